"""XML-Signature and XML-Encryption checks with xmlsec (libxmlsec1), the library python3-saml
and most service providers rely on. The Rust tests call this to have a real verifier judge
what Civitas signs and encrypts, and to produce signatures Civitas must accept.

  xmlsec_check.py verify FILE ID CERT_PEM
      Verifies the enveloped ds:Signature of the element whose ID is ID, with CERT_PEM only.
      Prints "OK" and exits 0, or prints why not and exits 1.
  xmlsec_check.py decrypt FILE KEY_PEM
      Decrypts the first xenc:EncryptedData (as python3-saml does) and prints the element.
  xmlsec_check.py sign FILE ID KEY_PEM CERT_PEM [PREFIX_LIST]
      Signs the element whose ID is ID (RSA-SHA256, SHA-256, enveloped + exc-c14n, after its
      saml:Issuer), with an InclusiveNamespaces PrefixList on the transform when given.
      Prints the document.
"""

import sys

import xmlsec
from lxml import etree

DS = "http://www.w3.org/2000/09/xmldsig#"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
XENC = "http://www.w3.org/2001/04/xmlenc#"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"


def load(path):
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)
    return etree.parse(path, parser).getroot()


def element_by_id(root, id_):
    found = root.xpath("//*[@ID=$id]", id=id_)
    if len(found) != 1:
        raise SystemExit(f"expected one element with ID {id_!r}, found {len(found)}")
    xmlsec.tree.add_ids(root, ["ID"])
    return found[0]


def verify(path, id_, cert):
    root = load(path)
    element = element_by_id(root, id_)
    signatures = [c for c in element if c.tag == f"{{{DS}}}Signature"]
    if len(signatures) != 1:
        print(f"expected one ds:Signature child, found {len(signatures)}")
        return 1
    references = signatures[0].findall(f"{{{DS}}}SignedInfo/{{{DS}}}Reference")
    if len(references) != 1 or references[0].get("URI") != f"#{id_}":
        print("the reference does not point at the element")
        return 1
    ctx = xmlsec.SignatureContext()
    ctx.key = xmlsec.Key.from_file(cert, xmlsec.KeyFormat.CERT_PEM)
    try:
        ctx.verify(signatures[0])
    except xmlsec.Error as e:
        print(f"xmlsec refused the signature: {e}")
        return 1
    print("OK")
    return 0


def decrypt(path, key):
    root = load(path)
    encrypted = root.find(f".//{{{XENC}}}EncryptedData")
    if encrypted is None:
        print("no xenc:EncryptedData")
        return 1
    manager = xmlsec.KeysManager()
    manager.add_key(xmlsec.Key.from_file(key, xmlsec.KeyFormat.PEM))
    ctx = xmlsec.EncryptionContext(manager)
    try:
        decrypted = ctx.decrypt(encrypted)
    except xmlsec.Error as e:
        print(f"xmlsec could not decrypt: {e}")
        return 1
    sys.stdout.write(etree.tostring(decrypted).decode())
    return 0


def sign(path, id_, key, cert, prefix_list=None):
    root = load(path)
    element = element_by_id(root, id_)
    signature = xmlsec.template.create(
        element, xmlsec.Transform.EXCL_C14N, xmlsec.Transform.RSA_SHA256, ns="ds"
    )
    issuer = element.find(f"{{{SAML}}}Issuer")
    if issuer is not None and element.index(issuer) == 0:
        issuer.addnext(signature)
    else:
        element.insert(0, signature)
    reference = xmlsec.template.add_reference(signature, xmlsec.Transform.SHA256, uri=f"#{id_}")
    xmlsec.template.add_transform(reference, xmlsec.Transform.ENVELOPED)
    transform = xmlsec.template.add_transform(reference, xmlsec.Transform.EXCL_C14N)
    if prefix_list:
        inclusive = etree.SubElement(
            transform, f"{{{EXC_C14N}}}InclusiveNamespaces", nsmap={"ec": EXC_C14N}
        )
        inclusive.set("PrefixList", prefix_list)
    key_info = xmlsec.template.ensure_key_info(signature)
    xmlsec.template.add_x509_data(key_info)
    ctx = xmlsec.SignatureContext()
    ctx.key = xmlsec.Key.from_file(key, xmlsec.KeyFormat.PEM)
    ctx.key.load_cert_from_file(cert, xmlsec.KeyFormat.PEM)
    ctx.sign(signature)
    sys.stdout.write(etree.tostring(root).decode())
    return 0


def main(argv):
    commands = {"verify": (verify, 3, 3), "decrypt": (decrypt, 2, 2), "sign": (sign, 4, 5)}
    if len(argv) < 2 or argv[1] not in commands:
        print(__doc__)
        return 2
    command, least, most = commands[argv[1]]
    args = argv[2:]
    if not least <= len(args) <= most:
        print(__doc__)
        return 2
    return command(*args)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
