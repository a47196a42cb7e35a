#!/usr/bin/env python3
"""A stand-in SAML IdP made of xmlsec and python3-saml's helpers, used only to test the SP
harness (sp.py) on its own: signed IdP metadata, signed (and optionally encrypted) Responses
and signed LogoutResponses, with the shapes a conforming IdP sends.

    python idp_fixture.py COMMAND < {...}   →   one JSON object on stdout

Commands:
  metadata         {entity_id, sso_url, slo_url, key_pem, cert_pem, valid_for (seconds from
                    now, may be negative), sign}
                   → {xml}
  response         {entity_id, key_pem, cert_pem, sp_entity_id, acs_url, in_response_to,
                    name_id, session_index, authn_context, attributes: {name: [values]},
                    friendly_names: {name: friendly name},
                    encrypt_cert_pem, sign_response} → {saml_response, xml}
  logout-response  {entity_id, key_pem, cert_pem, destination, in_response_to, status,
                    binding: redirect|post, relay_state} → {url} or {fields}
"""

import base64
import json
import sys
import time
import urllib.parse
import uuid
from xml.sax.saxutils import escape, quoteattr

import xmlsec
from lxml import etree
from onelogin.saml2.constants import OneLogin_Saml2_Constants as C
from onelogin.saml2.utils import OneLogin_Saml2_Utils as Utils
from onelogin.saml2.xml_utils import OneLogin_Saml2_XML as XML

NAMESPACES = 'xmlns:samlp="%s" xmlns:saml="%s"' % (C.NS_SAMLP, C.NS_SAML)


def saml_time(offset=0):
    return Utils.parse_time_to_SAML(int(time.time()) + offset)


def new_id():
    return "_" + uuid.uuid4().hex


def certificate_body(pem):
    return "".join(line for line in pem.strip().splitlines() if "-----" not in line)


def signed(xml, args):
    out = Utils.add_sign(xml, args["key_pem"], args["cert_pem"], sign_algorithm=C.RSA_SHA256, digest_algorithm=C.SHA256)
    return out.decode("utf-8") if isinstance(out, bytes) else out


def cmd_metadata(args):
    entity_id = args["entity_id"]
    endpoints = []
    for service, url in (("SingleLogoutService", args.get("slo_url")), ("SingleSignOnService", args["sso_url"])):
        if url:
            for binding in (C.BINDING_HTTP_REDIRECT, C.BINDING_HTTP_POST):
                endpoints.append('<md:%s Binding="%s" Location=%s/>' % (service, binding, quoteattr(url)))
    xml = (
        '<md:EntityDescriptor xmlns:md="%s" xmlns:ds="%s" ID="%s" entityID=%s validUntil="%s">'
        '<md:IDPSSODescriptor WantAuthnRequestsSigned="true" '
        'protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
        '<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>%s'
        "</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
        "<md:NameIDFormat>%s</md:NameIDFormat>%s"
        "</md:IDPSSODescriptor></md:EntityDescriptor>"
    ) % (
        C.NS_MD,
        C.NS_DS,
        new_id(),
        quoteattr(entity_id),
        saml_time(int(args.get("valid_for", 3600))),
        certificate_body(args["cert_pem"]),
        C.NAMEID_PERSISTENT,
        "".join(endpoints),
    )
    if args.get("sign", True):
        xml = signed(xml, args)
    return {"xml": xml}


def encrypt(assertion_xml, cert_pem):
    """EncryptedAssertion: AES-256-GCM content, RSA-OAEP (MGF1-SHA1) key transport."""
    wrapper = etree.fromstring(
        '<saml:EncryptedAssertion xmlns:saml="%s">%s</saml:EncryptedAssertion>' % (C.NS_SAML, assertion_xml)
    )
    assertion = wrapper[0]
    manager = xmlsec.KeysManager()
    manager.add_key(xmlsec.Key.from_memory(cert_pem, xmlsec.KeyFormat.CERT_PEM, None))
    data = xmlsec.template.encrypted_data_create(
        wrapper, xmlsec.Transform.AES256_GCM, type=xmlsec.EncryptionType.ELEMENT, ns="xenc"
    )
    xmlsec.template.encrypted_data_ensure_cipher_value(data)
    key_info = xmlsec.template.encrypted_data_ensure_key_info(data, ns="ds")
    encrypted_key = xmlsec.template.add_encrypted_key(key_info, xmlsec.Transform.RSA_OAEP)
    xmlsec.template.encrypted_data_ensure_cipher_value(encrypted_key)
    context = xmlsec.EncryptionContext(manager)
    context.key = xmlsec.Key.generate(xmlsec.KeyData.AES, 256, xmlsec.KeyDataType.SESSION)
    context.encrypt_xml(data, assertion)
    return etree.tostring(wrapper).decode("utf-8")


def cmd_response(args):
    idp, sp, acs = args["entity_id"], args["sp_entity_id"], args["acs_url"]
    in_response_to = args.get("in_response_to")
    irt = " InResponseTo=%s" % quoteattr(in_response_to) if in_response_to else ""
    friendly = args.get("friendly_names") or {}
    attributes = "".join(
        '<saml:Attribute Name=%s NameFormat="%s"%s>%s</saml:Attribute>'
        % (
            quoteattr(name),
            C.ATTRNAME_FORMAT_URI,
            " FriendlyName=%s" % quoteattr(friendly[name]) if name in friendly else "",
            "".join("<saml:AttributeValue>%s</saml:AttributeValue>" % escape(v) for v in values),
        )
        for name, values in (args.get("attributes") or {}).items()
    )
    assertion = (
        '<saml:Assertion %s ID="%s" Version="2.0" IssueInstant="%s">'
        "<saml:Issuer>%s</saml:Issuer>"
        '<saml:Subject><saml:NameID Format="%s" NameQualifier=%s SPNameQualifier=%s>%s</saml:NameID>'
        '<saml:SubjectConfirmation Method="%s"><saml:SubjectConfirmationData NotOnOrAfter="%s" '
        "Recipient=%s%s/></saml:SubjectConfirmation></saml:Subject>"
        '<saml:Conditions NotBefore="%s" NotOnOrAfter="%s"><saml:AudienceRestriction>'
        "<saml:Audience>%s</saml:Audience></saml:AudienceRestriction></saml:Conditions>"
        '<saml:AuthnStatement AuthnInstant="%s" SessionIndex=%s SessionNotOnOrAfter="%s"><saml:AuthnContext>'
        "<saml:AuthnContextClassRef>%s</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>"
        "<saml:AttributeStatement>%s</saml:AttributeStatement>"
        "</saml:Assertion>"
    ) % (
        NAMESPACES,
        new_id(),
        saml_time(),
        escape(idp),
        C.NAMEID_PERSISTENT,
        quoteattr(idp),
        quoteattr(sp),
        escape(args["name_id"]),
        C.CM_BEARER,
        saml_time(300),
        quoteattr(acs),
        irt,
        saml_time(-60),
        saml_time(300),
        escape(sp),
        saml_time(),
        quoteattr(args.get("session_index", new_id())),
        saml_time(3600),
        escape(args.get("authn_context", "urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified")),
        attributes,
    )
    assertion = signed(assertion, args)
    if args.get("encrypt_cert_pem"):
        assertion = encrypt(assertion, args["encrypt_cert_pem"])
    response = (
        '<samlp:Response %s ID="%s" Version="2.0" IssueInstant="%s" Destination=%s%s>'
        "<saml:Issuer>%s</saml:Issuer>"
        '<samlp:Status><samlp:StatusCode Value="%s"/></samlp:Status>%s</samlp:Response>'
    ) % (NAMESPACES, new_id(), saml_time(), quoteattr(acs), irt, escape(idp), C.STATUS_SUCCESS, assertion)
    if args.get("sign_response", True):
        response = signed(response, args)
    return {"saml_response": base64.b64encode(response.encode("utf-8")).decode("ascii"), "xml": response}


def cmd_logout_response(args):
    xml = (
        '<samlp:LogoutResponse %s ID="%s" Version="2.0" IssueInstant="%s" Destination=%s '
        "InResponseTo=%s><saml:Issuer>%s</saml:Issuer>"
        '<samlp:Status><samlp:StatusCode Value="%s"/></samlp:Status></samlp:LogoutResponse>'
    ) % (
        NAMESPACES,
        new_id(),
        saml_time(),
        quoteattr(args["destination"]),
        quoteattr(args["in_response_to"]),
        escape(args["entity_id"]),
        args.get("status", C.STATUS_SUCCESS),
    )
    relay_state = args.get("relay_state")
    if args.get("binding", "redirect") == "post":
        fields = {"SAMLResponse": base64.b64encode(signed(xml, args).encode("utf-8")).decode("ascii")}
        if relay_state is not None:
            fields["RelayState"] = relay_state
        return {"fields": fields}
    quote = lambda v: urllib.parse.quote(v, safe="")  # noqa: E731
    query = "SAMLResponse=" + quote(Utils.deflate_and_base64_encode(xml))
    if relay_state is not None:
        query += "&RelayState=" + quote(relay_state)
    query += "&SigAlg=" + quote(C.RSA_SHA256)
    signature = Utils.sign_binary(query, args["key_pem"], xmlsec.Transform.RSA_SHA256)
    query += "&Signature=" + quote(base64.b64encode(signature).decode("ascii"))
    return {"url": args["destination"] + "?" + query}


COMMANDS = {"metadata": cmd_metadata, "response": cmd_response, "logout-response": cmd_logout_response}


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in COMMANDS:
        print(json.dumps({"error": "usage: idp_fixture.py %s < JSON" % "|".join(COMMANDS)}))
        return 2
    try:
        result = COMMANDS[sys.argv[1]](json.load(sys.stdin))
    except Exception as err:
        print(json.dumps({"error": "%s: %s" % (type(err).__name__, err)}))
        return 2
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
