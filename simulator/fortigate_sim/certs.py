"""The lab's certificate authority and per-device server certificates (``cryptography``).

The CA lives in ``<workdir>/ca/`` and is kept across restarts, so an inventory's
``ansible_httpapi_ca_path`` stays valid. Server certificates carry SANs for the device's own
loopback address (``ansible_host``), ``127.0.0.1`` and ``localhost`` (plus the device hostname), so
clients can validate them. Keys are EC P-256: quick to
generate for a 200-device lab.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import ssl
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

_VALIDITY = datetime.timedelta(days=825)


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _key_pem(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


class LabCA:
    def __init__(self, directory: Path):
        self.dir = directory
        self.cert_path = directory / "ca.pem"
        self.key_path = directory / "ca.key"
        if not (self.cert_path.exists() and self.key_path.exists()):
            self._create()
        self.cert = x509.load_pem_x509_certificate(self.cert_path.read_bytes())
        self.key = serialization.load_pem_private_key(self.key_path.read_bytes(), password=None)

    def _create(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "fortigate-sim"),
                          x509.NameAttribute(NameOID.COMMON_NAME, f"fortigate-sim lab CA {os.urandom(3).hex()}")])
        now = datetime.datetime.now(datetime.timezone.utc)
        cert = (
            x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + _VALIDITY)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                         content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256())
        )
        _write_private(self.key_path, _key_pem(key))
        self.cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))

    def server_context(self, directory: Path, hostname: str, address: str = "127.0.0.1") -> ssl.SSLContext:
        """TLS server context for one device; its cert/key are (re)used from ``directory``."""
        cert_path, key_path = directory / "server.pem", directory / "server.key"
        if not (cert_path.exists() and key_path.exists()) or not self._valid_for(cert_path, address):
            self._issue(cert_path, key_path, hostname, address)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert_path, key_path)
        return context

    def _valid_for(self, cert_path: Path, address: str) -> bool:
        """Issued by this CA and naming ``address`` (a device's address can change between starts)."""
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        if cert.issuer != self.cert.subject:
            return False
        sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        return ipaddress.ip_address(address) in sans.get_values_for_type(x509.IPAddress)

    def _issue(self, cert_path: Path, key_path: Path, hostname: str, address: str) -> None:
        cert_path.parent.mkdir(parents=True, exist_ok=True)
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.timezone.utc)
        sans = [x509.IPAddress(ipaddress.ip_address(a)) for a in dict.fromkeys((address, "127.0.0.1"))]
        sans.append(x509.DNSName("localhost"))
        if hostname and hostname != "localhost" and all(c.isalnum() or c in "-." for c in hostname):
            sans.append(x509.DNSName(hostname))
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hostname or "localhost")]))
            .issuer_name(self.cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + _VALIDITY)
            .add_extension(x509.SubjectAlternativeName(sans), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()),
                           critical=False)
            .sign(self.key, hashes.SHA256())
        )
        _write_private(key_path, _key_pem(key))
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))

    def client_context(self) -> ssl.SSLContext:
        """A client context that trusts this lab (for probes, tests and the bench)."""
        return ssl.create_default_context(cafile=str(self.cert_path))
