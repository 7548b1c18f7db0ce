"""The hall's own certificate authority: one CA per installation (made once, kept), the
broker's certificate with the names devices use to reach it (subjectAltName: DNS names and
IP addresses), and optional client certificates. Keys are EC P-256; private keys are written
0600. A CA or key that exists is kept: every device trusts this CA, a new one would lock
them all out."""
from __future__ import annotations

import datetime
import ipaddress
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from hall_controller.errors import HallError
from hall_controller.tools.files import replace_file

CA_DAYS, CERT_DAYS, RENEW_DAYS = 3650, 825, 30


class TlsError(HallError):
    """A certificate or key that cannot be read or made; the message names the file."""


@dataclass(frozen=True)
class CertFiles:
    cert: Path
    key: Path


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def _load(files: CertFiles) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    try:
        cert = x509.load_pem_x509_certificate(files.cert.read_bytes())
        key = serialization.load_pem_private_key(files.key.read_bytes(), password=None)
    except (OSError, ValueError) as err:
        raise TlsError(f"{files.cert} / {files.key}: cannot read: {err}") from err
    return cert, key


def _new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _save(files: CertFiles, cert: x509.Certificate, key, owner: str | None) -> None:
    replace_file(files.key, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                              serialization.NoEncryption()), 0o600)
    replace_file(files.cert, cert.public_bytes(serialization.Encoding.PEM), 0o644)
    if owner and os.geteuid() == 0:
        shutil.chown(files.key, owner)


def ensure_ca(directory: Path, name: str) -> CertFiles:
    """directory/ca.crt and ca.key: kept when they exist, made otherwise."""
    files = CertFiles(directory / "ca.crt", directory / "ca.key")
    if files.cert.exists() and files.key.exists():
        _load(files)
        return files
    key = _new_key()
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{name} hall CA")])
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(_now() - datetime.timedelta(minutes=5))
            .not_valid_after(_now() + datetime.timedelta(days=CA_DAYS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                         content_commitment=False, key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    _save(files, cert, key, None)
    return files


def _alt_names(names: list[str]) -> list[x509.GeneralName]:
    out: list[x509.GeneralName] = []
    for n in names:
        try:
            out.append(x509.IPAddress(ipaddress.ip_address(n)))
        except ValueError:
            out.append(x509.DNSName(n))
    return out


def _issue(ca: CertFiles, common_name: str, names: list[str], usage, key=None) -> tuple[x509.Certificate, object]:
    ca_cert, ca_key = _load(ca)
    key = key or _new_key()
    builder = (x509.CertificateBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
               .issuer_name(ca_cert.subject).public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(_now() - datetime.timedelta(minutes=5))
               .not_valid_after(min(_now() + datetime.timedelta(days=CERT_DAYS), ca_cert.not_valid_after_utc))
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False))
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(_alt_names(names)), critical=False)
    return builder.sign(ca_key, hashes.SHA256()), key


def cert_names(path: Path) -> list[str]:
    """The subjectAltName entries of a certificate, as text."""
    cert = x509.load_pem_x509_certificate(path.read_bytes())
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return []
    return [str(v) for v in san.get_values_for_type(x509.DNSName)] + \
        [str(v) for v in san.get_values_for_type(x509.IPAddress)]


def ensure_server_cert(directory: Path, ca: CertFiles, names: list[str], owner: str | None = None) -> tuple[CertFiles, bool]:
    """directory/broker.crt and broker.key for `names`; made again when missing, when the
    names changed, when signed by another CA or close to expiry. True when (re)issued."""
    files = CertFiles(directory / "broker.crt", directory / "broker.key")
    if files.cert.exists() and files.key.exists():
        cert, _ = _load(files)
        ca_cert, _ = _load(ca)
        fresh = cert.not_valid_after_utc - _now() > datetime.timedelta(days=RENEW_DAYS)
        if fresh and cert.issuer == ca_cert.subject and sorted(cert_names(files.cert)) == sorted(
                str(n.value) for n in _alt_names(names)):
            return files, False
    cert, key = _issue(ca, names[0], names, ExtendedKeyUsageOID.SERVER_AUTH)
    _save(files, cert, key, owner)
    return files, True


def issue_client_cert(ca: CertFiles, client_id: str, cert_path: Path, key_path: Path) -> CertFiles:
    """A client certificate whose common name is the device id."""
    files = CertFiles(cert_path, key_path)
    cert, key = _issue(ca, client_id, [], ExtendedKeyUsageOID.CLIENT_AUTH)
    _save(files, cert, key, None)
    return files
