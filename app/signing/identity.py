"""The person's signing identity: their own key and certificate, kept safe between app starts.

What is stored where (the folder is the data folder, owner-only 0700 on Linux and macOS):

- ``signing-key.pem`` (0600): the private key as PKCS#8 PEM encrypted with a random secret
  (PBES2: PBKDF2-SHA256, AES-256-CBC), under a line giving the SHA-256 of the encrypted key, so
  a damaged file is told apart from a wrong secret. ``openssl pkey`` reads it with that secret.
- ``signing-certificate.pem`` (0600): the certificate, PEM, readable without the keyring.
- ``signing-chain.pem`` (0600, only for a certificate imported from IT): its issuers, PEM.
- The OS keyring (Secret Service, Windows Credential Manager, macOS Keychain), service
  ``KEYRING_SERVICE``, username ``signing-key:`` + the first 16 hex digits of the certificate's
  SHA-256 fingerprint: the secret that opens the key file (32 random bytes, base64, 44
  characters). Only that: never the key itself, and no fallback when the keyring fails.
- After a replacement: the old files, renamed ``signing-*.replaced-<UTC time>.pem`` in the same
  folder. Their secret stays in the keyring under the old certificate's username.
- While checking that the keyring keeps secrets: a random value under ``signing-key-probe:``
  + random hex, deleted straight away.

Nothing here creates a new identity unless asked to: `unlock` raises an `IdentityError` instead.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import os
import secrets
from datetime import datetime, timezone
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from app.signing.identity_errors import (
    IdentityDetailsInvalid, IdentityError, IdentityExists, IdentityLocked, IdentityNotSaved,
    IdentityUnreadable, KeyringDoesNotKeepSecrets, KeyringFailed, KeyringNotUnlocked, KeyringProblem,
    KeyringUnavailable, NoIdentity, Pkcs12Error, Pkcs12NotReadable, Pkcs12WithoutKey, Pkcs12WrongPassword,
)
from app.signing.identity_types import SigningIdentity, certificate_fingerprint
from app.signing.identity_x509 import (
    create_self_signed, decrypt_key, encrypt_key_file, encrypted_key_der, private_key_der, read_pkcs12,
    same_public_key,
)
from app.store.paths import ensure_private_dir, make_private

__all__ = [
    "IdentityStore", "create_self_signed", "read_pkcs12", "keyring_username", "SigningIdentity",
    "IdentityError", "KeyringProblem", "KeyringUnavailable", "KeyringNotUnlocked", "KeyringDoesNotKeepSecrets",
    "KeyringFailed", "NoIdentity", "IdentityExists", "IdentityLocked", "IdentityUnreadable", "IdentityNotSaved",
    "IdentityDetailsInvalid", "Pkcs12Error", "Pkcs12WrongPassword", "Pkcs12NotReadable", "Pkcs12WithoutKey",
]

log = logging.getLogger(__name__)

KEYRING_SERVICE = "Staff Social Media Self-Audit"
KEYRING_USERNAME_PREFIX = "signing-key:"
KEYRING_PROBE_PREFIX = "signing-key-probe:"
KEY_FILE_NAME = "signing-key.pem"
CERTIFICATE_FILE_NAME = "signing-certificate.pem"
CHAIN_FILE_NAME = "signing-chain.pem"
REPLACED_MARK = ".replaced-"
SECRET_BYTES = 32
_SECRET_LENGTH = len(base64.b64encode(bytes(SECRET_BYTES)))


def keyring_username(certificate_der: bytes) -> str:
    """The keyring entry holding the secret of the identity with this certificate."""
    return KEYRING_USERNAME_PREFIX + certificate_fingerprint(certificate_der).replace(":", "")[:16]


class IdentityStore:
    """One person's signing identity in one data folder; every method may raise an `IdentityError`."""

    def __init__(self, folder: Path, keyring_backend=None) -> None:
        self.folder = Path(folder)
        self.key_path = self.folder / KEY_FILE_NAME
        self.certificate_path = self.folder / CERTIFICATE_FILE_NAME
        self.chain_path = self.folder / CHAIN_FILE_NAME
        self._backend = keyring_backend  # None: the OS keyring, looked up on first use

    def exists(self) -> bool:
        """Whether an identity (whole or damaged) is here: then only `replace` makes a new one."""
        return any(p.exists() for p in (self.key_path, self.certificate_path, self.chain_path))

    def certificate_der(self) -> bytes | None:
        """The certificate, without touching the keyring; None when there is none."""
        try:
            pem = self.certificate_path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise IdentityUnreadable(self.folder, f"the certificate file cannot be read: {exc.strerror}") from exc
        try:
            return x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)
        except ValueError as exc:
            raise IdentityUnreadable(self.folder, "the certificate file is damaged") from exc

    def certificate_fingerprint(self) -> str | None:
        der = self.certificate_der()
        return None if der is None else certificate_fingerprint(der)

    def unlock(self) -> SigningIdentity:
        """The identity, opened with the secret from the keyring."""
        certificate_der = self.certificate_der()
        if certificate_der is None:
            if self.exists():
                raise IdentityUnreadable(self.folder, "the certificate file is missing")
            raise NoIdentity()
        try:
            encrypted = encrypted_key_der(self.key_path.read_bytes())
        except FileNotFoundError as exc:
            raise IdentityUnreadable(self.folder, "the key file is missing") from exc
        except OSError as exc:
            raise IdentityUnreadable(self.folder, f"the key file cannot be read: {exc.strerror}") from exc
        except ValueError as exc:
            raise IdentityUnreadable(self.folder, str(exc)) from exc
        chain = self._read_chain()
        secret = self._get(keyring_username(certificate_der))
        if secret is None:
            self.check_keyring()  # a keyring that keeps nothing is a different problem from a lost secret
            raise IdentityLocked(missing=True)
        try:
            key = decrypt_key(encrypted, secret)
        except ValueError as exc:
            raise IdentityLocked(missing=False) from exc
        if not same_public_key(key, x509.load_der_x509_certificate(certificate_der)):
            raise IdentityUnreadable(self.folder, "the key does not belong to the certificate")
        return SigningIdentity(private_key_der(key), certificate_der, chain)

    def create(self, name: str, staff_id: str, school: str) -> SigningIdentity:
        """A new self-signed identity; refuses when one is here already."""
        self._refuse_if_exists()
        identity = create_self_signed(name, staff_id, school)
        self._save(identity)
        return identity

    def replace(self, name: str, staff_id: str, school: str) -> SigningIdentity:
        """A new self-signed identity, the old files kept aside. Only after warning the person."""
        return self._replace_with(create_self_signed(name, staff_id, school))

    def import_pkcs12(self, path: Path, password: str, *, replace: bool = False) -> SigningIdentity:
        """A certificate from IT (.p12/.pfx) with its chain; `replace=True` sets any present one aside."""
        identity = read_pkcs12(path, password)
        if replace:
            return self._replace_with(identity)
        self._refuse_if_exists()
        self._save(identity)
        return identity

    def check_keyring(self) -> None:
        """Raise a `KeyringProblem` unless the keyring takes a random value and gives it back."""
        username = KEYRING_PROBE_PREFIX + secrets.token_hex(8)
        value = secrets.token_urlsafe(24)
        self._set(username, value)
        try:
            kept = self._get(username)
        finally:
            try:
                self._call("delete_password", username)
            except IdentityError:
                log.warning("could not delete the keyring probe %s", username)
        if kept != value:
            raise KeyringDoesNotKeepSecrets()

    def delete(self) -> tuple[list[str], list[str], KeyringProblem | None]:
        """Remove every identity here, replaced ones too: keyring entries first, then the folder.

        Returns the keyring entries removed, those left (with the problem that stopped them) and
        that problem. The files go even when the keyring fails: without them its secret opens nothing.
        """
        usernames = set()
        for path in sorted(self.folder.glob("signing-certificate*.pem")) if self.folder.is_dir() else ():
            with contextlib.suppress(OSError, ValueError):
                der = x509.load_pem_x509_certificate(path.read_bytes()).public_bytes(serialization.Encoding.DER)
                usernames.add(keyring_username(der))
        removed, left, problem = [], [], None
        for username in sorted(usernames):
            try:
                if self._get(username) is not None:
                    self._call("delete_password", username)
                removed.append(username)
            except KeyringProblem as exc:
                left.append(username)
                problem = problem or exc
        if self.folder.is_dir():
            for path in self.folder.iterdir():
                path.unlink()
            self.folder.rmdir()
        log.info("deleted the signing identities (%d keyring entries removed, %d left)", len(removed), len(left))
        return removed, left, problem

    def _refuse_if_exists(self) -> None:
        if self.exists():
            try:
                fingerprint = self.certificate_fingerprint()
            except IdentityUnreadable:
                fingerprint = None
            raise IdentityExists(fingerprint)

    def _replace_with(self, identity: SigningIdentity) -> SigningIdentity:
        self.check_keyring()  # before anything moves
        self._set_aside()
        self._save(identity)
        return identity

    def _save(self, identity: SigningIdentity) -> None:
        username = keyring_username(identity.certificate_der)
        secret = self._get(username)
        if secret is None or len(secret) != _SECRET_LENGTH:  # the same certificate keeps its secret
            secret = base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")
            self._set(username, secret)
            if self._get(username) != secret:
                raise KeyringDoesNotKeepSecrets()
        key_file = encrypt_key_file(identity.private_key_der, secret)
        certificate = x509.load_der_x509_certificate(identity.certificate_der)
        try:
            ensure_private_dir(self.folder)
            if identity.chain_der:
                _write_private(self.chain_path, b"".join(_pem(der) for der in identity.chain_der))
            _write_private(self.key_path, key_file)
            _write_private(self.certificate_path, certificate.public_bytes(serialization.Encoding.PEM))
        except OSError as exc:
            raise IdentityNotSaved(self.folder, exc) from exc
        log.info("saved signing identity %s", identity.fingerprint)

    def _set_aside(self) -> None:
        present = [p for p in (self.key_path, self.certificate_path, self.chain_path) if p.exists()]
        if not present:
            return
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        targets, n = [], 1
        while not targets or any(t.exists() for t in targets):
            mark = REPLACED_MARK + stamp + ("" if n == 1 else f"-{n}")
            targets, n = [p.with_name(p.stem + mark + p.suffix) for p in present], n + 1
        try:
            for source, target in zip(present, targets):
                source.rename(target)
                log.info("kept the replaced %s as %s", source.name, target.name)
        except OSError as exc:
            raise IdentityNotSaved(self.folder, exc) from exc

    def _read_chain(self) -> tuple[bytes, ...]:
        try:
            pem = self.chain_path.read_bytes()
        except FileNotFoundError:
            return ()
        except OSError as exc:
            raise IdentityUnreadable(self.folder, f"the chain file cannot be read: {exc.strerror}") from exc
        try:
            return tuple(c.public_bytes(serialization.Encoding.DER) for c in x509.load_pem_x509_certificates(pem))
        except ValueError as exc:
            raise IdentityUnreadable(self.folder, "the certificate chain file is damaged") from exc

    def _get(self, username: str) -> str | None:
        return self._call("get_password", username)

    def _set(self, username: str, value: str) -> None:
        self._call("set_password", username, value)

    def _call(self, method: str, *args):
        """One keyring call, its errors turned into the `KeyringProblem` a person can act on."""
        import keyring
        import keyring.errors

        try:
            backend = keyring.get_keyring() if self._backend is None else self._backend
            return getattr(backend, method)(KEYRING_SERVICE, *args)
        except keyring.errors.NoKeyringError as exc:
            raise KeyringUnavailable() from exc
        except (keyring.errors.KeyringLocked, keyring.errors.InitError) as exc:
            log.warning("keyring %s: %s", method, exc)
            # Secret Service: a locked collection left locked raises KeyringLocked; a prompt to
            # unlock or create one that was closed raises InitError("... Prompt dismissed.").
            raise KeyringNotUnlocked(dismissed="dismissed" in str(exc).lower()) from exc
        except Exception as exc:  # D-Bus and OS errors arrive undocumented and raw
            log.warning("keyring %s failed: %r", method, exc)
            raise KeyringFailed(str(exc) or type(exc).__name__) from exc


def _pem(der: bytes) -> bytes:
    return x509.load_der_x509_certificate(der).public_bytes(serialization.Encoding.PEM)


def _write_private(path: Path, data: bytes) -> None:
    """Owner-only from the first byte, and whole or not at all."""
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    make_private(path)
    if os.name == "posix":
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
