#!/usr/bin/env python3
"""A SAML 2.0 service provider built on python3-saml (the OneLogin toolkit), driven from the
command line by Civitas' end-to-end tests (tests/it/support/saml_sp.rs).

    python sp.py COMMAND < {"config": {...}, "args": {...}}

prints one JSON object on stdout. Exit status 0: the command ran (a refused response is a
result, with "errors"); 2: the harness could not run it ({"error": "..."}), for instance the
IdP metadata failed its checks.

Commands: metadata, idp-metadata, login, acs, logout, sls (see each function's docstring).

"config" describes the SP and where the IdP's metadata is:
  idp_metadata_url       the IdP's metadata, fetched on every command
  idp_metadata_cert      optional base64 DER: the certificate the metadata must be signed with;
                         without it the signature is checked against the metadata's own
                         signing certificates, which proves integrity only, not origin
  metadata_checks        "strict" (default: signed, validUntil present and in the future) or
                         "report" (only report them)
  sp_entity_id, acs_url, sls_url, sls_binding ("redirect" | "post")
  sp_key_pem, sp_cert_pem   the SP's key pair (signs requests and metadata, decrypts)
  sign_requests          sign AuthnRequests and LogoutRequests
  want_assertions_encrypted, want_messages_signed (default true), want_attribute_statement
  name_id_format         default persistent
  requested_authn_context   list of AuthnContextClassRef, or absent
  authn_context_comparison  exact | minimum | maximum | better
  fail_on_authn_context_mismatch
  requested_attributes   [{"name", "friendly_name", "is_required"}] for the SP metadata
  service_name           the AttributeConsumingService's name
"""

import base64
import json
import sys
import time
import urllib.parse

import xmlsec
from lxml import etree
from onelogin.saml2.auth import OneLogin_Saml2_Auth
from onelogin.saml2.authn_request import OneLogin_Saml2_Authn_Request
from onelogin.saml2.constants import OneLogin_Saml2_Constants as C
from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser as MetadataParser
from onelogin.saml2.logout_request import OneLogin_Saml2_Logout_Request
from onelogin.saml2.logout_response import OneLogin_Saml2_Logout_Response
from onelogin.saml2.settings import OneLogin_Saml2_Settings
from onelogin.saml2.utils import OneLogin_Saml2_Utils as Utils
from onelogin.saml2.xml_utils import OneLogin_Saml2_XML as XML

NS_MD = C.NS_MD
NS_DS = C.NS_DS
BINDINGS = {"redirect": C.BINDING_HTTP_REDIRECT, "post": C.BINDING_HTTP_POST}
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"


class HarnessError(Exception):
    """The command cannot run: bad arguments, unreachable or untrustworthy IdP metadata."""


# --- IdP metadata -------------------------------------------------------------------------


def pem_certificate(certificate):
    """PEM from base64 DER, with or without PEM armour and line breaks."""
    body = "".join(line for line in certificate.splitlines() if "-----" not in line)
    return Utils.format_cert("".join(body.split()))


def check_enveloped_signature(root, certificates):
    """Verifies, with xmlsec, the one ds:Signature that `root` carries as a child: it must
    reference `root` itself with the exclusive C14N + enveloped transforms, RSA-SHA256 and
    SHA-256, and verify with one of `certificates` (base64 DER). Returns None or what is wrong."""
    all_signatures = list(root.iter("{%s}Signature" % NS_DS))
    signatures = root.findall("{%s}Signature" % NS_DS)
    if not all_signatures:
        return "no ds:Signature"
    if len(all_signatures) != 1 or len(signatures) != 1:
        return "expected one ds:Signature, a child of the root; found %d" % len(all_signatures)
    signature = signatures[0]
    references = signature.findall("{%s}SignedInfo/{%s}Reference" % (NS_DS, NS_DS))
    if len(references) != 1:
        return "expected one ds:Reference; found %d" % len(references)
    root_id = root.get("ID")
    if not root_id or references[0].get("URI") != "#" + root_id:
        return "the signature references %r, not the root (ID %r)" % (references[0].get("URI"), root_id)
    method = signature.find("{%s}SignedInfo/{%s}SignatureMethod" % (NS_DS, NS_DS))
    if method is None or method.get("Algorithm") != C.RSA_SHA256:
        return "signature algorithm %r is not RSA-SHA256" % (method is not None and method.get("Algorithm"))
    digest = references[0].find("{%s}DigestMethod" % NS_DS)
    if digest is None or digest.get("Algorithm") != C.SHA256:
        return "digest algorithm %r is not SHA-256" % (digest is not None and digest.get("Algorithm"))
    c14n = signature.find("{%s}SignedInfo/{%s}CanonicalizationMethod" % (NS_DS, NS_DS))
    if c14n is None or c14n.get("Algorithm") != EXC_C14N:
        return "canonicalisation %r is not exclusive C14N" % (c14n is not None and c14n.get("Algorithm"))
    transforms = [t.get("Algorithm") for t in references[0].findall("{%s}Transforms/{%s}Transform" % (NS_DS, NS_DS))]
    if sorted(transforms) != sorted([ENVELOPED, EXC_C14N]):
        return "unexpected transforms %r" % transforms
    if not certificates:
        return "no certificate to verify the signature with"
    failures = []
    for certificate in certificates:
        context = xmlsec.SignatureContext()
        try:
            context.key = xmlsec.Key.from_memory(pem_certificate(certificate), xmlsec.KeyFormat.CERT_PEM, None)
            xmlsec.tree.add_ids(root, ["ID"])
            context.verify(signature)
            return None
        except xmlsec.Error as err:
            failures.append(str(err))
    return "the signature does not verify: %s" % "; ".join(failures)


def fetch_idp_metadata(config):
    """Fetches the IdP metadata, checks its signature and validUntil, and returns
    (xml bytes, report)."""
    url = config.get("idp_metadata_url")
    if not url:
        raise HarnessError("config.idp_metadata_url is missing")
    try:
        xml = MetadataParser.get_metadata(url, timeout=20)
    except Exception as err:  # the library raises plain Exception for a non-IdP document
        raise HarnessError("cannot fetch the IdP metadata from %s: %s" % (url, err))
    root = XML.to_etree(xml)
    report = {
        "url": url,
        "entity_id": root.get("entityID"),
        "signature": None,
        "verified_with": None,
        "valid_until": root.get("validUntil"),
        "valid_until_in_future": None,
        "problems": [],
    }
    if root.tag != "{%s}EntityDescriptor" % NS_MD:
        report["problems"].append("the root is %s, not md:EntityDescriptor" % root.tag)

    pinned = config.get("idp_metadata_cert")
    if pinned:
        certificates = [pinned]
        report["verified_with"] = "pinned certificate"
    else:
        certificates = signing_certificates(MetadataParser.parse(xml))
        report["verified_with"] = "the metadata's own signing certificate (integrity only)"
    problem = check_enveloped_signature(root, certificates)
    report["signature"] = "valid" if problem is None else problem
    if problem is not None:
        report["problems"].append("metadata signature: " + problem)

    if report["valid_until"] is None:
        report["problems"].append("metadata has no validUntil")
    else:
        try:
            valid_until = Utils.parse_SAML_to_time(report["valid_until"])
        except Exception:
            report["problems"].append("validUntil %r is not a SAML time" % report["valid_until"])
        else:
            report["valid_until_in_future"] = valid_until > time.time()
            if not report["valid_until_in_future"]:
                report["problems"].append("metadata validUntil %s has passed" % report["valid_until"])

    if config.get("metadata_checks", "strict") == "strict" and report["problems"]:
        raise HarnessError("the IdP metadata is refused: " + "; ".join(report["problems"]))
    return xml, report


def signing_certificates(parsed):
    idp = parsed.get("idp", {})
    if idp.get("x509cert"):
        return [idp["x509cert"]]
    return idp.get("x509certMulti", {}).get("signing", [])


def idp_settings(xml, sso_binding, slo_binding):
    """The IdP part of the settings, with the SSO and SLO endpoints of the given bindings."""
    parsed = MetadataParser.parse(xml, required_sso_binding=sso_binding, required_slo_binding=slo_binding)
    idp = parsed.get("idp")
    if not idp or not idp.get("entityId"):
        raise HarnessError("the IdP metadata has no IDPSSODescriptor with an entityID")
    if not idp.get("singleSignOnService", {}).get("url"):
        # The SP needs an SSO URL in its settings even for commands that do not use it.
        other = C.BINDING_HTTP_POST if sso_binding == C.BINDING_HTTP_REDIRECT else C.BINDING_HTTP_REDIRECT
        fallback = MetadataParser.parse(xml, required_sso_binding=other).get("idp", {})
        if not fallback.get("singleSignOnService"):
            raise HarnessError("the IdP metadata has no SingleSignOnService")
        idp["singleSignOnService"] = fallback["singleSignOnService"]
        idp["singleSignOnService"]["missing_binding"] = sso_binding
    return idp


# --- settings -----------------------------------------------------------------------------


def sp_settings(config):
    sp = {
        "entityId": required(config, "sp_entity_id"),
        "assertionConsumerService": {"url": required(config, "acs_url"), "binding": C.BINDING_HTTP_POST},
        "NameIDFormat": config.get("name_id_format") or C.NAMEID_PERSISTENT,
        "x509cert": config.get("sp_cert_pem") or "",
        "privateKey": config.get("sp_key_pem") or "",
    }
    if config.get("sls_url"):
        sp["singleLogoutService"] = {
            "url": config["sls_url"],
            "binding": binding(config.get("sls_binding", "redirect")),
        }
    attributes = config.get("requested_attributes") or []
    if attributes:
        sp["attributeConsumingService"] = {
            "serviceName": config.get("service_name") or "Civitas test SP",
            "requestedAttributes": [
                {
                    "name": a["name"],
                    "friendlyName": a.get("friendly_name") or "",
                    "isRequired": bool(a.get("is_required", False)),
                    "nameFormat": C.ATTRNAME_FORMAT_URI,
                }
                for a in attributes
            ],
        }
    return sp


def security_settings(config, requested_authn_context=None):
    sign = bool(config.get("sign_requests", False))
    has_keys = bool(config.get("sp_key_pem") and config.get("sp_cert_pem"))
    contexts = requested_authn_context if requested_authn_context is not None else config.get("requested_authn_context")
    return {
        "authnRequestsSigned": sign,
        "logoutRequestSigned": sign,
        "logoutResponseSigned": sign,
        "signMetadata": has_keys,
        "wantMessagesSigned": bool(config.get("want_messages_signed", True)),
        "wantAssertionsSigned": True,
        "wantAssertionsEncrypted": bool(config.get("want_assertions_encrypted", False)),
        "wantNameId": True,
        "wantNameIdEncrypted": False,
        "wantAttributeStatement": bool(config.get("want_attribute_statement", True)),
        # False: no RequestedAuthnContext at all (the library's default asks for
        # PasswordProtectedTransport).
        "requestedAuthnContext": list(contexts) if contexts else False,
        "requestedAuthnContextComparison": config.get("authn_context_comparison") or "exact",
        "failOnAuthnContextMismatch": bool(config.get("fail_on_authn_context_mismatch", False)),
        "signatureAlgorithm": C.RSA_SHA256,
        "digestAlgorithm": C.SHA256,
        "rejectDeprecatedAlgorithm": True,
    }


def settings(config, idp=None, requested_authn_context=None):
    data = {
        "strict": True,
        "debug": False,
        "sp": sp_settings(config),
        "security": security_settings(config, requested_authn_context),
    }
    if idp is not None:
        data["idp"] = idp
        return OneLogin_Saml2_Settings(data)
    return OneLogin_Saml2_Settings(data, sp_validation_only=True)


def full_settings(config, sso_binding=C.BINDING_HTTP_REDIRECT, slo_binding=C.BINDING_HTTP_REDIRECT,
                  requested_authn_context=None):
    xml, _report = fetch_idp_metadata(config)
    idp = idp_settings(xml, sso_binding, slo_binding)
    missing = idp["singleSignOnService"].pop("missing_binding", None)
    return settings(config, idp, requested_authn_context), missing


def request_data(url, get_data=None, post_data=None, query_string=None):
    """python3-saml's view of the HTTP request that arrived at `url`."""
    parts = urllib.parse.urlsplit(url)
    data = {
        "https": "on" if parts.scheme == "https" else "off",
        "http_host": parts.netloc,
        "script_name": parts.path,
        "get_data": get_data or {},
        "post_data": post_data or {},
    }
    if query_string is not None:
        # Verify the Redirect signature over the query exactly as it arrived (SAML bindings
        # §3.4.4.1), not over the library's re-encoding of the decoded values.
        data["query_string"] = query_string
        data["validate_signature_from_qs"] = True
    return data


def required(obj, key):
    value = obj.get(key)
    if value is None or value == "":
        raise HarnessError("%s is missing" % key)
    return value


def binding(name):
    try:
        return BINDINGS[name]
    except KeyError:
        raise HarnessError("binding %r is neither redirect nor post" % name)


def sp_origin(config):
    parts = urllib.parse.urlsplit(required(config, "acs_url"))
    return "%s://%s/" % (parts.scheme, parts.netloc)


def b64(xml):
    if isinstance(xml, str):
        xml = xml.encode("utf-8")
    return base64.b64encode(xml).decode("ascii")


def text(xml):
    return xml.decode("utf-8") if isinstance(xml, bytes) else xml


def sign_xml(s, xml):
    """Enveloped RSA-SHA256 signature over the message, placed after its saml:Issuer."""
    key, cert = s.get_sp_key(), s.get_sp_cert()
    if not key or not cert:
        raise HarnessError("signing needs sp_key_pem and sp_cert_pem")
    return text(Utils.add_sign(xml, key, cert, sign_algorithm=C.RSA_SHA256, digest_algorithm=C.SHA256))


# --- commands -----------------------------------------------------------------------------


def cmd_metadata(config, _args):
    """The SP's metadata (signed when the SP has keys) and the library's own check of it:
    {xml, errors}."""
    s = settings(config)
    xml = text(s.get_sp_metadata())
    return {"xml": xml, "errors": s.validate_metadata(xml)}


def cmd_idp_metadata(config, _args):
    """The IdP metadata's checks and what the library reads from it: {report, redirect, post}."""
    xml, report = fetch_idp_metadata(config)
    out = {"report": report}
    for name, uri in BINDINGS.items():
        idp = MetadataParser.parse(xml, required_sso_binding=uri, required_slo_binding=uri).get("idp", {})
        out[name] = {
            "sso_url": idp.get("singleSignOnService", {}).get("url"),
            "slo_url": idp.get("singleLogoutService", {}).get("url"),
        }
    out["entity_id"] = report["entity_id"]
    out["signing_certificates"] = signing_certificates(MetadataParser.parse(xml))
    return out


def cmd_login(config, args):
    """An AuthnRequest. args: binding, force_authn, is_passive, relay_state,
    requested_authn_context. → {request_id, xml, redirect: URL} or {…, post: {action, fields}}.
    Over Redirect without relay_state the library sends the SP's own URL as RelayState."""
    which = binding(args.get("binding", "redirect"))
    s, missing = full_settings(config, sso_binding=which, requested_authn_context=args.get("requested_authn_context"))
    if missing:
        raise HarnessError("the IdP metadata has no SingleSignOnService for %s" % missing)
    force_authn = bool(args.get("force_authn", False))
    is_passive = bool(args.get("is_passive", False))
    relay_state = args.get("relay_state")
    if which == C.BINDING_HTTP_REDIRECT:
        auth = OneLogin_Saml2_Auth(request_data(sp_origin(config)), s)
        url = auth.login(return_to=relay_state, force_authn=force_authn, is_passive=is_passive)
        return {"request_id": auth.get_last_request_id(), "xml": text(auth.get_last_request_xml()), "redirect": url}
    # python3-saml has no AuthnRequest-over-POST helper: the same request, signed enveloped.
    request = OneLogin_Saml2_Authn_Request(s, force_authn=force_authn, is_passive=is_passive)
    xml = text(request.get_xml())
    if s.get_security_data()["authnRequestsSigned"]:
        xml = sign_xml(s, xml)
    fields = {"SAMLRequest": b64(xml)}
    if relay_state is not None:
        fields["RelayState"] = relay_state
    return {"request_id": request.get_id(), "xml": xml, "post": {"action": s.get_idp_sso_url(), "fields": fields}}


def cmd_acs(config, args):
    """Processes a Response posted to the ACS. args: request_id, url (where it was posted),
    fields (SAMLResponse, RelayState). → what the library accepted, or its errors."""
    fields = required(args, "fields")
    url = args.get("url") or config.get("acs_url")
    s, _ = full_settings(config)
    auth = OneLogin_Saml2_Auth(request_data(url, post_data=fields), s)
    try:
        auth.process_response(request_id=args.get("request_id"))
        errors, reason = auth.get_errors(), auth.get_last_error_reason()
    except Exception as err:  # garbage that is not base64 or XML raises from the parser
        errors, reason = auth.get_errors() or ["invalid_response"], "%s: %s" % (type(err).__name__, err)
    return {
        "errors": errors,
        "last_error_reason": reason,
        "authenticated": auth.is_authenticated(),
        "nameid": auth.get_nameid(),
        "nameid_format": auth.get_nameid_format(),
        "nameid_name_qualifier": auth.get_nameid_nq(),
        "nameid_sp_name_qualifier": auth.get_nameid_spnq(),
        "session_index": auth.get_session_index(),
        "session_expiration": auth.get_session_expiration(),
        "attributes": auth.get_attributes(),
        "friendly_name_attributes": auth.get_friendlyname_attributes(),
        "authn_contexts": auth.get_last_authn_contexts(),
        "relay_state": fields.get("RelayState"),
        "response_id": auth.get_last_message_id(),
        "assertion_id": auth.get_last_assertion_id(),
        "in_response_to": auth.get_last_response_in_response_to(),
        "not_on_or_after": auth.get_last_assertion_not_on_or_after(),
        "assertion_encrypted": was_encrypted(fields.get("SAMLResponse")),
        "response_xml": auth.get_last_response_xml(),
    }


def was_encrypted(saml_response):
    try:
        root = XML.to_etree(base64.b64decode(saml_response or ""))
    except Exception:
        return None
    return root.find("{%s}EncryptedAssertion" % C.NS_SAML) is not None


def cmd_logout(config, args):
    """A LogoutRequest. args: binding, name_id, name_id_format, session_index, name_qualifier,
    sp_name_qualifier, relay_state. → {request_id, xml, redirect | post}."""
    which = binding(args.get("binding", "redirect"))
    s, _ = full_settings(config, slo_binding=which)
    if not s.get_idp_slo_url():
        raise HarnessError("the IdP metadata has no SingleLogoutService for %s" % which)
    options = dict(
        name_id=args.get("name_id"),
        session_index=args.get("session_index"),
        nq=args.get("name_qualifier"),
        name_id_format=args.get("name_id_format") or C.NAMEID_PERSISTENT,
        spnq=args.get("sp_name_qualifier"),
    )
    relay_state = args.get("relay_state")
    if which == C.BINDING_HTTP_REDIRECT:
        auth = OneLogin_Saml2_Auth(request_data(sp_origin(config)), s)
        url = auth.logout(return_to=relay_state, **options)
        return {"request_id": auth.get_last_request_id(), "xml": text(auth.get_last_request_xml()), "redirect": url}
    request = OneLogin_Saml2_Logout_Request(s, **options)
    xml = text(request.get_xml())
    if s.get_security_data()["logoutRequestSigned"]:
        xml = sign_xml(s, xml)
    fields = {"SAMLRequest": b64(xml)}
    if relay_state is not None:
        fields["RelayState"] = relay_state
    return {"request_id": request.id, "xml": xml, "post": {"action": s.get_idp_slo_url(), "fields": fields}}


def cmd_sls(config, args):
    """Processes a LogoutResponse. args: request_id, binding, url (for Redirect the whole
    Location with its query; for POST the form's action), fields (POST).
    → {errors, last_error_reason, status, in_response_to, relay_state, xml}."""
    which = binding(args.get("binding", "redirect"))
    url = required(args, "url")
    request_id = args.get("request_id")
    s, _ = full_settings(config, slo_binding=which)
    if which == C.BINDING_HTTP_REDIRECT:
        query = urllib.parse.urlsplit(url).query
        get_data = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
        data = request_data(url, get_data=get_data, query_string=query)
        auth = OneLogin_Saml2_Auth(data, s)
        errors, reason = [], None
        try:
            auth.process_slo(keep_local_session=True, request_id=request_id)
            errors, reason = auth.get_errors(), auth.get_last_error_reason()
        except Exception as err:
            errors, reason = auth.get_errors() or ["invalid_logout_response"], "%s: %s" % (type(err).__name__, err)
        response = parse_logout_response(s, get_data.get("SAMLResponse"))
        if errors and not reason and response is not None:
            # process_slo records no reason for an invalid LogoutResponse; ask the response.
            response.is_valid(data, request_id)
            reason = response.get_error()
        return sls_result(errors, reason, response, get_data.get("RelayState"))

    # python3-saml processes LogoutResponses over Redirect only: over POST the signature is
    # enveloped in the XML, verified here with the library's xmlsec helpers, and the rest of
    # the checks (schema, InResponseTo, Issuer, Destination) are the library's own.
    fields = required(args, "fields")
    response = parse_logout_response(s, fields.get("SAMLResponse"))
    if response is None:
        return sls_result(["invalid_logout_response"], "SAMLResponse is not a LogoutResponse", None, fields.get("RelayState"))
    idp = s.get_idp_data()
    certificates = [idp["x509cert"]] if idp.get("x509cert") else idp.get("x509certMulti", {}).get("signing", [])
    problem = check_enveloped_signature(response.document, certificates)
    get_data = {}
    if problem is None:
        # is_valid asks whether the message was signed by looking for a Signature parameter.
        get_data["Signature"] = "verified enveloped signature"
    elif s.get_security_data()["wantMessagesSigned"] or problem != "no ds:Signature":
        return sls_result(["invalid_logout_response_signature"], problem, response, fields.get("RelayState"))
    data = request_data(url, get_data=get_data, post_data=fields)
    if not response.is_valid(data, request_id):
        return sls_result(["invalid_logout_response"], response.get_error(), response, fields.get("RelayState"))
    errors = [] if response.get_status() == C.STATUS_SUCCESS else ["logout_not_success"]
    return sls_result(errors, None, response, fields.get("RelayState"))


def parse_logout_response(s, saml_response):
    if not saml_response:
        return None
    try:
        response = OneLogin_Saml2_Logout_Response(s, saml_response)
    except Exception:
        return None
    if response.document.tag != "{%s}LogoutResponse" % C.NS_SAMLP:
        return None
    return response


def sls_result(errors, reason, response, relay_state):
    return {
        "errors": errors,
        "last_error_reason": reason,
        "status": response.get_status() if response is not None else None,
        "in_response_to": response.get_in_response_to() if response is not None else None,
        "relay_state": relay_state,
        "xml": text(etree.tostring(response.document)) if response is not None else None,
    }


COMMANDS = {
    "metadata": cmd_metadata,
    "idp-metadata": cmd_idp_metadata,
    "login": cmd_login,
    "acs": cmd_acs,
    "logout": cmd_logout,
    "sls": cmd_sls,
}


def main():
    out = sys.stdout
    # Nothing the library prints may corrupt the one JSON object on stdout.
    sys.stdout = sys.stderr
    if len(sys.argv) != 2 or sys.argv[1] not in COMMANDS:
        out.write(json.dumps({"error": "usage: sp.py %s < JSON" % "|".join(COMMANDS)}) + "\n")
        return 2
    try:
        request = json.load(sys.stdin)
        result = COMMANDS[sys.argv[1]](request.get("config") or {}, request.get("args") or {})
    except HarnessError as err:
        out.write(json.dumps({"error": str(err)}) + "\n")
        return 2
    except Exception as err:
        out.write(json.dumps({"error": "%s: %s" % (type(err).__name__, err)}) + "\n")
        return 2
    out.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
