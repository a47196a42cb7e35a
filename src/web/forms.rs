//! Errors linked to their fields: a form shown again after a refusal marks the field at fault
//! `aria-invalid` and adds the message (the element `ERROR_ID`, inside the page's `role="alert"`
//! summary) to the field's `aria-describedby`, so a screen reader reads why when the field
//! takes focus.

/// The id of the error message on a form page.
pub const ERROR_ID: &str = "form_error";

/// The accessibility attributes of the form control `control`: its hint (the id of its hint
/// text, or "" for none) and, when `at_fault` names it, the error. Ids are the templates' own
/// constants, never visitors' input, so the result is safe to write unescaped.
pub fn field_attrs(at_fault: Option<&str>, control: &str, hint: &str) -> String {
    let invalid = at_fault == Some(control);
    match (invalid, hint.is_empty()) {
        (false, true) => String::new(),
        (false, false) => format!(" aria-describedby=\"{hint}\""),
        (true, true) => format!(" aria-describedby=\"{ERROR_ID}\" aria-invalid=\"true\""),
        (true, false) => {
            format!(" aria-describedby=\"{ERROR_ID} {hint}\" aria-invalid=\"true\"")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_field_at_fault_is_marked_and_keeps_its_hint() {
        assert_eq!(field_attrs(None, "purpose", ""), "");
        assert_eq!(
            field_attrs(Some("jwks"), "purpose", "purpose-hint"),
            " aria-describedby=\"purpose-hint\""
        );
        assert_eq!(
            field_attrs(Some("purpose"), "purpose", "purpose-hint"),
            " aria-describedby=\"form_error purpose-hint\" aria-invalid=\"true\""
        );
        assert_eq!(
            field_attrs(Some("jwks"), "jwks", ""),
            " aria-describedby=\"form_error\" aria-invalid=\"true\""
        );
    }
}
