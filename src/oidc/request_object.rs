//! Signed request objects (JAR, RFC 9101): the authorization request's parameters as claims
//! of a JWT the client signs with a key it registered. Accepted in `request` at the
//! authorization endpoint and at the PAR endpoint; a `request_uri` of the client's own is
//! never fetched (only ours, from PAR, are accepted: see `par`).

use serde_json::Value;

use super::{
    client_auth::{KeyError, alg_names, signing_algs, verifying_key},
    client_failures::FailureKind as Kind,
};
use crate::{
    state::AppState,
    store::{clients::ClientRow, pushed},
};

/// Longest validity of a request object (`nbf` → `exp`, and now → `exp`): 60 minutes
/// (FAPI 2.0 Message Signing §5.3.1).
pub const MAX_LIFETIME: i64 = 3600;
/// Clock skew allowed on `nbf` and `exp`.
const LEEWAY: i64 = 30;
/// Largest request object accepted.
const MAX_BYTES: usize = 16 * 1024;

/// Claims of a request object that are about the JWT itself, not request parameters.
const JWT_CLAIMS: &[&str] = &["iss", "aud", "exp", "nbf", "iat", "jti"];

/// Why a request object was refused: the failure kind and a description for the client.
pub type Refusal = (Kind, String);

fn invalid(description: impl Into<String>) -> Refusal {
    (Kind::RequestObjectInvalid, description.into())
}

/// Verifies `jwt` as `client`'s request object and returns the request parameters it
/// carries (claims other than the JWT's own, as strings; objects such as `claims` as JSON).
/// Its `jti` is recorded: the same object is refused a second time, on any instance. The
/// outer error is the database's.
pub async fn verify(
    state: &AppState,
    client: &ClientRow,
    jwt: &str,
) -> Result<Result<Vec<(String, String)>, Refusal>, sqlx::Error> {
    let (params, jti, exp) = match check(state, client, jwt).await {
        Ok(checked) => checked,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let client_id = client.id.clone();
    let fresh = state
        .writer
        .write(move |tx| {
            let (client_id, jti) = (client_id.clone(), jti.clone());
            Box::pin(async move {
                pushed::insert_used_jti(
                    tx,
                    pushed::JtiKind::Request,
                    &client_id,
                    &jti,
                    exp + LEEWAY,
                )
                .await
            })
        })
        .await?;
    if !fresh {
        return Ok(Err((
            Kind::RequestObjectReplayed,
            "the request object's jti was already used".into(),
        )));
    }
    Ok(Ok(params))
}

/// Everything but the replay check: the parameters, the `jti` and `exp`.
async fn check(
    state: &AppState,
    client: &ClientRow,
    jwt: &str,
) -> Result<(Vec<(String, String)>, String, i64), Refusal> {
    if jwt.len() > MAX_BYTES {
        return Err(invalid(format!(
            "the request object is larger than {MAX_BYTES} bytes"
        )));
    }
    let header = jsonwebtoken::decode_header(jwt)
        .map_err(|_| invalid("the request object is not a signed JWT (JWS compact form)"))?;
    let accepted = signing_algs(client);
    if !accepted.contains(&header.alg) {
        return Err(invalid(format!(
            "the request object's alg {:?} is not accepted: use {}",
            header.alg,
            alg_names(accepted)
        )));
    }
    let (_, key) = verifying_key(state, client, &header)
        .await
        .map_err(|e| match e {
            KeyError::Unavailable(d) => invalid(d),
            KeyError::Unknown => {
                invalid("the request object is not signed by a key registered for this client")
            }
            KeyError::Unusable => invalid("a registered key of this client cannot be used"),
        })?;
    let issuer = state.config.issuer.as_str();
    let mut validation = jsonwebtoken::Validation::new(header.alg);
    validation.set_audience(&[issuer]);
    validation.set_issuer(&[client.id.as_str()]);
    validation.set_required_spec_claims(&["exp", "aud", "iss"]);
    // Times are checked against the service's clock below (`check_times`).
    validation.validate_exp = false;
    validation.validate_nbf = false;
    let data = jsonwebtoken::decode::<Value>(jwt, &key, &validation).map_err(|e| {
        use jsonwebtoken::errors::ErrorKind as K;
        invalid(match e.kind() {
            K::InvalidSignature => "the request object's signature does not verify".to_owned(),
            K::InvalidAudience => format!("the request object's aud must be the issuer, {issuer}"),
            K::InvalidIssuer => "the request object's iss must be the client_id".to_owned(),
            K::MissingRequiredClaim(c) => format!("the request object lacks {c}"),
            _ => "the request object's claims are not valid".to_owned(),
        })
    })?;
    let claims = data
        .claims
        .as_object()
        .ok_or_else(|| invalid("the request object's payload is not a JSON object"))?;
    check_times(claims, state.clock.now(), client.is_fapi())?;
    if claims.get("iss").is_some_and(|i| !i.is_string()) {
        return Err(invalid("the request object's iss must be one string"));
    }
    if claims
        .get("client_id")
        .is_some_and(|c| c.as_str() != Some(client.id.as_str()))
    {
        return Err(invalid(
            "the request object's client_id differs from the client's",
        ));
    }
    for nested in ["request", "request_uri"] {
        if claims.contains_key(nested) {
            return Err((
                Kind::RequestObjectUnsupported,
                format!("a request object must not contain {nested}"),
            ));
        }
    }
    let jti = claims
        .get("jti")
        .and_then(Value::as_str)
        .filter(|j| !j.is_empty() && j.len() <= 256)
        .ok_or_else(|| invalid("the request object needs a jti (1 to 256 characters)"))?
        .to_owned();
    let exp = claims.get("exp").and_then(Value::as_i64).unwrap_or(0);
    Ok((parameters(claims)?, jti, exp))
}

/// `exp` within [`MAX_LIFETIME`] of now and of `nbf`; `nbf` required under FAPI 2.0 and at
/// most [`MAX_LIFETIME`] in the past.
fn check_times(
    claims: &serde_json::Map<String, Value>,
    now: i64,
    fapi: bool,
) -> Result<(), Refusal> {
    let exp = claims
        .get("exp")
        .and_then(Value::as_i64)
        .ok_or_else(|| invalid("the request object's exp must be a number of seconds"))?;
    if exp + LEEWAY <= now {
        return Err(invalid("the request object has expired"));
    }
    if exp - now > MAX_LIFETIME {
        return Err(invalid(format!(
            "the request object's exp is more than {MAX_LIFETIME} seconds away"
        )));
    }
    match claims.get("nbf") {
        None if fapi => Err(invalid(
            "the request object lacks nbf (required under FAPI 2.0)",
        )),
        None => Ok(()),
        Some(nbf) => {
            let nbf = nbf
                .as_i64()
                .ok_or_else(|| invalid("the request object's nbf must be a number of seconds"))?;
            if nbf > now + LEEWAY {
                return Err(invalid("the request object's nbf is in the future"));
            }
            if now - nbf > MAX_LIFETIME || exp - nbf > MAX_LIFETIME {
                Err(invalid(format!(
                    "the request object's nbf is more than {MAX_LIFETIME} seconds before now or its exp"
                )))
            } else {
                Ok(())
            }
        }
    }
}

/// The request parameters among the claims: strings as they are, numbers (`max_age`) in
/// decimal, objects (`claims`) as JSON. Anything else is refused.
fn parameters(claims: &serde_json::Map<String, Value>) -> Result<Vec<(String, String)>, Refusal> {
    claims
        .iter()
        .filter(|(k, _)| !JWT_CLAIMS.contains(&k.as_str()))
        .map(|(k, v)| {
            let value = match v {
                Value::String(s) => s.clone(),
                Value::Number(n) if n.is_u64() => n.to_string(),
                Value::Object(_) => v.to_string(),
                _ => {
                    return Err(invalid(format!(
                        "the request object's {k} must be a string"
                    )));
                }
            };
            Ok((k.clone(), value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn map(v: Value) -> serde_json::Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn lifetimes_are_bounded_and_nbf_is_required_under_fapi() {
        let now = 1_000_000;
        let ok = map(json!({"exp": now + 300, "nbf": now - 10}));
        assert!(check_times(&ok, now, true).is_ok());
        let long = map(json!({"exp": now + MAX_LIFETIME + 1, "nbf": now}));
        assert!(check_times(&long, now, false).is_err());
        let old_nbf = map(json!({"exp": now + 60, "nbf": now - MAX_LIFETIME - 1}));
        assert!(check_times(&old_nbf, now, false).is_err());
        let no_nbf = map(json!({"exp": now + 60}));
        assert!(check_times(&no_nbf, now, false).is_ok());
        let refused = check_times(&no_nbf, now, true).unwrap_err();
        assert!(refused.1.contains("nbf"), "{}", refused.1);
        let expired = map(json!({"exp": now - LEEWAY}));
        assert!(check_times(&expired, now, false).is_err());
        let early = map(json!({"exp": now + 60, "nbf": now + LEEWAY + 1}));
        assert!(check_times(&early, now, false).is_err());
        let text_exp = map(json!({"exp": "soon"}));
        assert!(check_times(&text_exp, now, false).is_err());
    }

    #[test]
    fn claims_become_parameters_and_the_jwt_claims_do_not() {
        let claims = map(json!({
            "iss": "c", "aud": "i", "exp": 1, "nbf": 0, "jti": "j", "iat": 0,
            "client_id": "c", "scope": "openid", "max_age": 300,
            "claims": {"id_token": {"acr": {"essential": true}}}
        }));
        let params = parameters(&claims).unwrap();
        let names: Vec<&str> = params.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["claims", "client_id", "max_age", "scope"]);
        assert_eq!(params[2].1, "300");
        assert_eq!(
            serde_json::from_str::<Value>(&params[0].1).unwrap(),
            json!({"id_token": {"acr": {"essential": true}}})
        );
        assert!(parameters(&map(json!({"scope": ["openid"]}))).is_err());
        assert!(parameters(&map(json!({"max_age": -1}))).is_err());
    }
}
