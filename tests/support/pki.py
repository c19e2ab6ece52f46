"""Certificates made for the tests with `cryptography`: a CA and signers, as a signing portal would issue them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

NOW = datetime.datetime.now(datetime.UTC)


def _name(common: str, organisation: str = "Uji Coba Sertifikasi") -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
                      x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)  # RSA: ECDSA makes pyHanko write PDF 2.0


@dataclass
class Authority:
    """A CA: its key, its certificate and the PEM file a verifier trusts."""

    key: rsa.RSAPrivateKey
    cert: x509.Certificate
    pem: Path

    def issue(self, folder: Path, common: str, passphrase: bytes = b"rahasia", *, days: int = 365) -> Path:
        """A signer's PKCS#12 file (key, certificate, the CA's certificate), protected by ``passphrase``."""
        key = _key()
        cert = (x509.CertificateBuilder().subject_name(_name(common)).issuer_name(self.cert.subject)
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(NOW - datetime.timedelta(days=1)).not_valid_after(NOW + datetime.timedelta(days=days))
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                             data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                             crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
                .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
                .sign(self.key, hashes.SHA256()))
        path = folder / f"{common.split()[0].lower().strip('.,')}-{cert.serial_number % 10_000}.p12"
        encryption = (serialization.BestAvailableEncryption(passphrase) if passphrase
                      else serialization.NoEncryption())
        path.write_bytes(pkcs12.serialize_key_and_certificates(common.encode(), key, cert, [self.cert], encryption))
        return path


def authority(folder: Path, common: str = "CA Uji pkm-docs") -> Authority:
    key = _key()
    name = _name(common)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(NOW - datetime.timedelta(days=2)).not_valid_after(NOW + datetime.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    pem = folder / f"{common.split()[0].lower()}-{cert.serial_number % 10_000}.pem"
    pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return Authority(key, cert, pem)
