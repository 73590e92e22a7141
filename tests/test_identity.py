"""The signing identity: a real Secret Service keyring, real files, real child processes, no mocks.

Run under tests/run_headless.sh, whose private D-Bus session holds an unlocked gnome-keyring.
"""

from __future__ import annotations

import base64
import os
import stat
import subprocess
import sys
import tempfile
import textwrap
from contextlib import closing
from datetime import datetime, timedelta, timezone
from pathlib import Path

import keyring
import keyring.backends.fail
import keyring.backends.null
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

import app
from app.signing.identity import (
    CERTIFICATE_FILE_NAME, CHAIN_FILE_NAME, KEY_FILE_NAME, KEYRING_PROBE_PREFIX, KEYRING_SERVICE, REPLACED_MARK,
    IdentityDetailsInvalid, IdentityExists, IdentityLocked, IdentityStore, IdentityUnreadable,
    KeyringDoesNotKeepSecrets, KeyringUnavailable, NoIdentity, Pkcs12NotReadable, Pkcs12WithoutKey,
    Pkcs12WrongPassword, create_self_signed, keyring_username,
)

NAME, EMAIL, SCHOOL = "Si\u00e2n \u0174yn-Nguy\u1ec5n", "s.wyn-nguyen@ysgol.example", "Ysgol Gymraeg Llan\u00eblli"
APP_ROOT = str(Path(app.__file__).resolve().parents[1])


@pytest.fixture(scope="module", autouse=True)
def throwaway_secret_service():
    """These tests write to the session keyring: only ever a private one, as run_headless.sh makes."""
    backend = keyring.get_keyring()
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if type(backend).__module__ != "keyring.backends.SecretService" or not runtime.startswith(tempfile.gettempdir()):
        pytest.fail(f"needs the private Secret Service of tests/run_headless.sh (found {backend!r}, "
                    f"XDG_RUNTIME_DIR={runtime!r}); it never uses your own keyring")


def _usernames_in_keyring() -> set[str]:
    import secretstorage

    with closing(secretstorage.dbus_init()) as bus:
        return {item.get_attributes()["username"] for item in secretstorage.search_items(bus, {"service": KEYRING_SERVICE})}


@pytest.fixture
def folder(tmp_path):
    """A data folder; afterwards the keyring entries the test made are removed."""
    before = _usernames_in_keyring()
    yield tmp_path / "data"
    for username in _usernames_in_keyring() - before:
        keyring.delete_password(KEYRING_SERVICE, username)


def files_in(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(path.iterdir())} if path.exists() else {}


def secret_of(identity) -> str | None:
    return keyring.get_password(KEYRING_SERVICE, keyring_username(identity.certificate_der))


def assert_signs_and_verifies(identity) -> None:
    key = serialization.load_der_private_key(identity.private_key_der, None)
    public = x509.load_der_x509_certificate(identity.certificate_der).public_key()
    data = b"I confirm I have checked my social media against the policy."
    if isinstance(key, ec.EllipticCurvePrivateKey):
        public.verify(key.sign(data, ec.ECDSA(hashes.SHA256())), data, ec.ECDSA(hashes.SHA256()))
    else:
        public.verify(key.sign(data, padding.PKCS1v15(), hashes.SHA256()), data, padding.PKCS1v15(), hashes.SHA256())


# --- a self-signed identity ------------------------------------------------------------------------

def test_a_new_identity_unlocks_again_after_a_restart_with_the_same_key_and_certificate(folder):
    store = IdentityStore(folder)
    assert not store.exists() and store.certificate_fingerprint() is None
    with pytest.raises(NoIdentity):
        store.unlock()
    made = store.create(NAME, EMAIL, SCHOOL)

    again = IdentityStore(folder)  # as a new start of the app would
    assert again.exists()
    assert again.certificate_fingerprint() == made.fingerprint
    unlocked = again.unlock()
    assert unlocked == made
    assert unlocked.chain_der == ()
    assert_signs_and_verifies(unlocked)


def test_the_key_on_disk_is_encrypted_owner_only_and_written_whole(folder):
    made = IdentityStore(folder).create(NAME, "T-1234", SCHOOL)
    key_text = (folder / KEY_FILE_NAME).read_text("ascii")
    assert "BEGIN PRIVATE KEY" not in key_text and "BEGIN EC PRIVATE KEY" not in key_text
    assert "-----BEGIN ENCRYPTED PRIVATE KEY-----" in key_text
    assert made.private_key_der not in (folder / KEY_FILE_NAME).read_bytes()
    assert secret_of(made) not in key_text
    assert sorted(files_in(folder)) == [CERTIFICATE_FILE_NAME, KEY_FILE_NAME]  # no temporary files left
    if os.name == "posix":
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        for name in (KEY_FILE_NAME, CERTIFICATE_FILE_NAME):
            assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600, name


def test_the_keyring_holds_only_a_short_secret_and_no_probe_is_left_behind(folder):
    import secretstorage

    made = IdentityStore(folder).create(NAME, EMAIL, SCHOOL)
    secret = secret_of(made)
    assert len(secret.encode()) < 100
    assert len(base64.b64decode(secret, validate=True)) == 32
    with closing(secretstorage.dbus_init()) as bus:
        items = list(secretstorage.search_items(bus, {"service": KEYRING_SERVICE}))
        assert items, "the secret should be in the Secret Service itself"
        for item in items:
            username = item.get_attributes()["username"]
            assert not username.startswith(KEYRING_PROBE_PREFIX), "a keyring probe was not deleted"
            assert len(item.get_secret()) < 100, username
            assert b"PRIVATE KEY" not in item.get_secret()


@pytest.mark.parametrize("staff_id, attribute", [
    (EMAIL, NameOID.EMAIL_ADDRESS),
    ("T-1234", NameOID.SERIAL_NUMBER),
    ("staff_1234 \u00e9", NameOID.ORGANIZATIONAL_UNIT_NAME),  # not a PrintableString: kept as UTF-8
])
def test_the_certificate_names_the_person_and_can_be_a_trust_anchor(staff_id, attribute):
    now = datetime(2026, 9, 3, 8, 15, tzinfo=timezone.utc)
    made = create_self_signed(NAME, staff_id, SCHOOL, now=now)
    cert = x509.load_der_x509_certificate(made.certificate_der)

    assert cert.subject == cert.issuer
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == NAME
    assert cert.subject.get_attributes_for_oid(attribute)[0].value == staff_id
    assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == SCHOOL
    assert isinstance(cert.public_key(), ec.EllipticCurvePublicKey)
    assert cert.public_key().curve.name == "secp256r1"
    assert isinstance(cert.signature_hash_algorithm, hashes.SHA256)
    cert.verify_directly_issued_by(cert)
    assert cert.not_valid_before_utc <= now < now + timedelta(days=5 * 365) <= cert.not_valid_after_utc

    constraints = cert.extensions.get_extension_for_class(x509.BasicConstraints)
    assert constraints.critical and constraints.value.ca
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical
    assert usage.value.digital_signature and usage.value.content_commitment and usage.value.key_cert_sign
    assert not usage.value.key_encipherment
    ski = cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    aki = cert.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
    assert aki.key_identifier == ski.digest
    if attribute == NameOID.EMAIL_ADDRESS:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        assert san.get_values_for_type(x509.RFC822Name) == [EMAIL]


def test_openssl_reads_the_certificate_trusts_it_as_an_anchor_and_opens_the_key_with_the_secret(folder):
    made = IdentityStore(folder).create(NAME, EMAIL, SCHOOL)
    cert = str(folder / CERTIFICATE_FILE_NAME)

    text = subprocess.run(["openssl", "x509", "-noout", "-text", "-nameopt", "utf8", "-in", cert],
                          capture_output=True, text=True, check=True).stdout
    for expected in ("CA:TRUE", "Digital Signature", "Non Repudiation", "Certificate Sign",
                     "Subject Key Identifier", "Authority Key Identifier", "ecdsa-with-SHA256", "P-256",
                     NAME, EMAIL, SCHOOL):
        assert expected in text, expected
    verified = subprocess.run(["openssl", "verify", "-CAfile", cert, cert], capture_output=True, text=True)
    assert verified.returncode == 0 and ": OK" in verified.stdout, verified.stdout + verified.stderr

    # IT can open the key with the secret from the keyring: a standard file, nothing home-made.
    env = {**os.environ, "IDENTITY_SECRET": secret_of(made)}
    opened = subprocess.run(["openssl", "pkey", "-in", str(folder / KEY_FILE_NAME), "-passin", "env:IDENTITY_SECRET",
                             "-outform", "DER"], capture_output=True, env=env)
    assert opened.returncode == 0, opened.stderr
    assert serialization.load_der_private_key(opened.stdout, None).private_numbers() == \
        serialization.load_der_private_key(made.private_key_der, None).private_numbers()


def test_making_a_sample_identity_needs_no_keyring_and_writes_nothing(tmp_path):
    script = textwrap.dedent("""
        import sys
        from app.signing.identity import create_self_signed
        made = create_self_signed("Sample Teacher", "T-0001", "Sample School")
        assert "keyring" not in sys.modules, "the keyring was imported"
        print(made.fingerprint)
    """)
    env = {k: v for k, v in os.environ.items() if k not in ("DBUS_SESSION_BUS_ADDRESS", "GNOME_KEYRING_CONTROL")}
    env["PYTHONPATH"] = APP_ROOT
    child = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
                           timeout=60)
    assert child.returncode == 0, child.stderr
    assert len(child.stdout.strip()) == 95
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name, staff_id, school", [
    ("", EMAIL, SCHOOL), (NAME, "  ", SCHOOL), (NAME, EMAIL, ""), ("A" * 65, EMAIL, SCHOOL),
])
def test_details_that_cannot_go_into_a_certificate_are_refused_before_the_keyring_is_touched(
        folder, name, staff_id, school):
    with pytest.raises(IdentityDetailsInvalid) as refused:
        IdentityStore(folder, keyring_backend=keyring.backends.fail.Keyring()).create(name, staff_id, school)
    assert "name" in str(refused.value)
    assert not folder.exists()


def test_a_second_identity_is_refused_while_one_exists(folder):
    made = IdentityStore(folder).create(NAME, EMAIL, SCHOOL)
    before = files_in(folder)
    with pytest.raises(IdentityExists) as refused:
        IdentityStore(folder).create("Someone Else", "T-9", SCHOOL)
    assert made.fingerprint[:23] in str(refused.value) and "make a new signing key" in str(refused.value)
    assert files_in(folder) == before


# --- a lost secret or damaged files never make a new identity quietly ------------------------------

def test_a_lost_secret_locks_the_identity_and_makes_no_new_one(folder):
    made = IdentityStore(folder).create(NAME, EMAIL, SCHOOL)
    before = files_in(folder)
    keyring.delete_password(KEYRING_SERVICE, keyring_username(made.certificate_der))

    with pytest.raises(IdentityLocked) as locked:
        IdentityStore(folder).unlock()
    assert locked.value.missing
    assert "missing from your password store" in str(locked.value) and "make a new signing key" in str(locked.value)
    assert files_in(folder) == before
    assert secret_of(made) is None
    with pytest.raises(IdentityExists):
        IdentityStore(folder).create(NAME, EMAIL, SCHOOL)
    assert files_in(folder) == before


def test_a_wrong_secret_locks_the_identity(folder):
    made = IdentityStore(folder).create(NAME, EMAIL, SCHOOL)
    keyring.set_password(KEYRING_SERVICE, keyring_username(made.certificate_der), base64.b64encode(os.urandom(32)).decode())
    with pytest.raises(IdentityLocked) as locked:
        IdentityStore(folder).unlock()
    assert not locked.value.missing and "does not open it" in str(locked.value)


def _flip_one_character_of_the_key(folder: Path) -> None:
    path = folder / KEY_FILE_NAME
    lines = path.read_text("ascii").splitlines(keepends=True)
    body = lines.index("-----BEGIN ENCRYPTED PRIVATE KEY-----\n") + 2
    lines[body] = ("B" if lines[body][10] == "A" else "A").join([lines[body][:10], lines[body][11:]])
    path.write_text("".join(lines), "ascii")


DAMAGE = {
    "one character of the key changed": (_flip_one_character_of_the_key, "the key file is damaged"),
    "key file cut short": (lambda f: (f / KEY_FILE_NAME).write_bytes((f / KEY_FILE_NAME).read_bytes()[:300]),
                           "the key file is incomplete"),
    "key file empty": (lambda f: (f / KEY_FILE_NAME).write_bytes(b""), "the key file is incomplete"),
    "key file gone": (lambda f: (f / KEY_FILE_NAME).unlink(), "the key file is missing"),
    "certificate damaged": (lambda f: (f / CERTIFICATE_FILE_NAME).write_bytes(b"-----BEGIN CERTIFICATE-----\nnope\n"),
                            "the certificate file is damaged"),
    "certificate gone": (lambda f: (f / CERTIFICATE_FILE_NAME).unlink(), "the certificate file is missing"),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_damaged_identity_files_are_reported_and_left_alone(folder, damage):
    IdentityStore(folder).create(NAME, EMAIL, SCHOOL)
    spoil, reason = DAMAGE[damage]
    spoil(folder)
    before = files_in(folder)

    store = IdentityStore(folder)
    assert store.exists()
    with pytest.raises(IdentityUnreadable) as unreadable:
        store.unlock()
    assert unreadable.value.reason == reason
    assert str(folder) in str(unreadable.value) and "make a new signing key" in str(unreadable.value)
    with pytest.raises(IdentityExists):
        store.create(NAME, EMAIL, SCHOOL)
    assert files_in(folder) == before


def test_replacing_keeps_the_old_files_aside_and_their_key_still_opens(folder, tmp_path):
    old = IdentityStore(folder).create(NAME, EMAIL, SCHOOL)
    old_files = files_in(folder)

    new = IdentityStore(folder).replace(NAME, EMAIL, "Ysgol Newydd")
    assert new.fingerprint != old.fingerprint
    assert IdentityStore(folder).unlock() == new
    assert IdentityStore(folder).certificate_fingerprint() == new.fingerprint
    kept = {name: data for name, data in files_in(folder).items() if REPLACED_MARK in name}
    assert sorted(kept.values()) == sorted(old_files.values())
    assert {name.split(REPLACED_MARK)[0] for name in kept} == {"signing-key", "signing-certificate"}

    # The kept files still open with their own secret, which the keyring keeps.
    elsewhere = tmp_path / "restored"
    elsewhere.mkdir()
    for name, data in kept.items():
        (elsewhere / (name.split(REPLACED_MARK)[0] + ".pem")).write_bytes(data)
    assert IdentityStore(elsewhere).unlock() == old


def test_replacing_a_locked_identity_twice_in_a_second_keeps_every_old_file(folder):
    first = IdentityStore(folder).create(NAME, EMAIL, SCHOOL)
    keyring.delete_password(KEYRING_SERVICE, keyring_username(first.certificate_der))
    second = IdentityStore(folder).replace(NAME, EMAIL, SCHOOL)
    third = IdentityStore(folder).replace(NAME, EMAIL, SCHOOL)
    assert len({first.fingerprint, second.fingerprint, third.fingerprint}) == 3
    assert IdentityStore(folder).unlock() == third
    names = files_in(folder)
    assert len([n for n in names if REPLACED_MARK in n]) == 4, sorted(names)
    certificates = {x509.load_pem_x509_certificate(data).public_bytes(serialization.Encoding.DER)
                    for name, data in names.items() if name.startswith("signing-certificate")}
    assert certificates == {first.certificate_der, second.certificate_der, third.certificate_der}


def test_replacing_when_there_is_nothing_to_replace_just_makes_one(folder):
    made = IdentityStore(folder).replace(NAME, EMAIL, SCHOOL)
    assert IdentityStore(folder).unlock() == made
    assert sorted(files_in(folder)) == [CERTIFICATE_FILE_NAME, KEY_FILE_NAME]


def test_a_chain_file_left_on_its_own_counts_as_a_damaged_identity(folder, school_pki):
    folder.mkdir()
    (folder / CHAIN_FILE_NAME).write_bytes(school_pki[1].public_bytes(serialization.Encoding.PEM))
    store = IdentityStore(folder)
    assert store.exists()
    with pytest.raises(IdentityUnreadable):
        store.unlock()
    with pytest.raises(IdentityExists):
        store.create(NAME, EMAIL, SCHOOL)
    made = store.replace(NAME, EMAIL, SCHOOL)
    assert IdentityStore(folder).unlock() == made  # the stray chain is kept aside, not attached


# --- keyrings that cannot keep the secret ----------------------------------------------------------

def test_a_keyring_that_keeps_nothing_is_refused(folder):
    null = keyring.backends.null.Keyring()
    with pytest.raises(KeyringDoesNotKeepSecrets) as refused:
        IdentityStore(folder, keyring_backend=null).create(NAME, EMAIL, SCHOOL)
    assert "did not keep it" in str(refused.value)
    assert files_in(folder) == {}

    made = IdentityStore(folder).create(NAME, EMAIL, SCHOOL)
    with pytest.raises(KeyringDoesNotKeepSecrets):  # not "your secret is lost"
        IdentityStore(folder, keyring_backend=null).unlock()
    with pytest.raises(KeyringDoesNotKeepSecrets):
        IdentityStore(folder, keyring_backend=null).replace(NAME, EMAIL, SCHOOL)
    assert IdentityStore(folder).unlock() == made


def test_no_keyring_at_all_is_refused(folder):
    fail = keyring.backends.fail.Keyring()
    with pytest.raises(KeyringUnavailable) as refused:
        IdentityStore(folder, keyring_backend=fail).create(NAME, EMAIL, SCHOOL)
    assert "no password store" in str(refused.value)
    assert files_in(folder) == {}
    IdentityStore(folder).create(NAME, EMAIL, SCHOOL)
    before = files_in(folder)
    with pytest.raises(KeyringUnavailable):
        IdentityStore(folder, keyring_backend=fail).unlock()
    with pytest.raises(KeyringUnavailable):
        IdentityStore(folder, keyring_backend=fail).replace(NAME, EMAIL, SCHOOL)
    assert files_in(folder) == before


CHILD = textwrap.dedent("""
    import sys
    from pathlib import Path
    from app.signing.identity import IdentityError, IdentityStore
    if sys.argv[2] == "lock-first":
        import secretstorage
        secretstorage.get_default_collection(secretstorage.dbus_init()).lock()
    store = IdentityStore(Path(sys.argv[1]))
    for step in ("unlock", "replace"):
        try:
            store.unlock() if step == "unlock" else store.replace("A Person", "T-1", "A School")
            print(step, "no error")
        except IdentityError as exc:
            print(step, type(exc).__name__, str(exc).replace(chr(10), " "))
""")


def _run_child(tmp_path: Path, folder: Path, command: list[str]) -> dict[str, str]:
    """Run CHILD in its own D-Bus world, with no screen for a keyring prompt to wait on."""
    scratch = Path(tempfile.mkdtemp(dir=tmp_path))
    env = {k: v for k, v in os.environ.items() if k not in (
        "DBUS_SESSION_BUS_ADDRESS", "GNOME_KEYRING_CONTROL", "PYTHON_KEYRING_BACKEND", "DISPLAY", "WAYLAND_DISPLAY")}
    for name in ("XDG_RUNTIME_DIR", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        env[name] = str(scratch / name.lower())
        os.mkdir(env[name], 0o700)
    env["PYTHONPATH"] = APP_ROOT
    child = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert child.returncode == 0, child.stderr
    return dict(line.split(" ", 1) for line in child.stdout.splitlines())


def test_a_session_without_an_unlocked_keyring_is_reported_as_locked(folder, tmp_path):
    """A D-Bus session with no keyring daemon: D-Bus starts gnome-keyring, which has no unlocked
    collection and nowhere to show its prompt, so the prompt is dismissed ("Prompt dismissed")."""
    IdentityStore(folder).create(NAME, EMAIL, SCHOOL)
    before = files_in(folder)
    seen = _run_child(tmp_path, folder, ["dbus-run-session", "--", sys.executable, "-c", CHILD, str(folder), "-"])
    for step in ("unlock", "replace"):
        assert seen[step].startswith("KeyringNotUnlocked Your password store (keyring) is locked"), seen
    assert files_in(folder) == before


def test_a_locked_keyring_collection_is_reported_as_locked(folder, tmp_path):
    IdentityStore(folder).create(NAME, EMAIL, SCHOOL)
    before = files_in(folder)
    start = ('eval "$(printf %s pw | gnome-keyring-daemon --unlock --components=secrets)"; '
             'export GNOME_KEYRING_CONTROL; exec "$@"')
    seen = _run_child(tmp_path, folder, ["dbus-run-session", "--", "sh", "-c", start, "sh",
                                         sys.executable, "-c", CHILD, str(folder), "lock-first"])
    for step in ("unlock", "replace"):
        assert seen[step].startswith("KeyringNotUnlocked "), seen
    assert files_in(folder) == before


def test_a_computer_without_any_keyring_is_reported_as_such(folder, tmp_path):
    IdentityStore(folder).create(NAME, EMAIL, SCHOOL)
    before = files_in(folder)
    seen = _run_child(tmp_path, folder, [sys.executable, "-c", CHILD, str(folder), "-"])
    for step in ("unlock", "replace"):
        assert seen[step].startswith("KeyringUnavailable This computer has no password store"), seen
    assert files_in(folder) == before


# --- a certificate from IT -------------------------------------------------------------------------

def _certificate(subject: str, key, issuer_name: x509.Name, issuer_key, *, ca: bool) -> x509.Certificate:
    now = datetime.now(timezone.utc)
    return (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(issuer_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .sign(issuer_key, hashes.SHA256()))


@pytest.fixture(scope="module")
def school_pki():
    """A school's root and issuing CA, and a member of staff's RSA key and certificate from them."""
    root_key, issuing_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    staff_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Ysgol Trust Root CA")])
    root = _certificate("Ysgol Trust Root CA", root_key, root_name, root_key, ca=True)
    issuing = _certificate("Ysgol Trust Staff CA", issuing_key, root.subject, root_key, ca=True)
    staff = _certificate(NAME, staff_key, issuing.subject, issuing_key, ca=False)
    return staff_key, staff, [issuing, root]


def _p12(path: Path, password: bytes | None, key, cert, cas) -> Path:
    encryption = serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    path.write_bytes(pkcs12.serialize_key_and_certificates(b"staff", key, cert, cas, encryption))
    return path


def test_a_certificate_from_it_is_imported_with_its_chain_and_unlocks_later(folder, tmp_path, school_pki):
    key, cert, cas = school_pki
    p12 = _p12(tmp_path / "staff.p12", "p\u00e4ssw\u00f6rd".encode(), key, cert, cas)

    imported = IdentityStore(folder).import_pkcs12(p12, "p\u00e4ssw\u00f6rd")
    assert imported.certificate_der == cert.public_bytes(serialization.Encoding.DER)
    assert set(imported.chain_der) == {c.public_bytes(serialization.Encoding.DER) for c in cas}
    assert sorted(files_in(folder)) == [CERTIFICATE_FILE_NAME, CHAIN_FILE_NAME, KEY_FILE_NAME]
    assert "ENCRYPTED" in (folder / KEY_FILE_NAME).read_text("ascii")
    if os.name == "posix":
        assert stat.S_IMODE((folder / CHAIN_FILE_NAME).stat().st_mode) == 0o600

    later = IdentityStore(folder).unlock()
    assert later == imported
    assert_signs_and_verifies(later)
    with pytest.raises(IdentityExists):
        IdentityStore(folder).import_pkcs12(p12, "p\u00e4ssw\u00f6rd")


@pytest.mark.parametrize("typed", ["", "typed anyway"])
def test_importing_over_a_self_signed_identity_keeps_it_aside(folder, tmp_path, school_pki, typed):
    key, cert, cas = school_pki
    own = IdentityStore(folder).create(NAME, EMAIL, SCHOOL)
    p12 = _p12(tmp_path / "staff.pfx", None, key, cert, cas)  # exported with no password
    imported = IdentityStore(folder).import_pkcs12(p12, typed, replace=True)
    assert IdentityStore(folder).unlock() == imported
    kept = [name for name in files_in(folder) if REPLACED_MARK in name]
    assert len(kept) == 2 and own.fingerprint != imported.fingerprint


def test_a_wrong_password_or_a_file_that_is_not_pkcs12_each_say_so(folder, tmp_path, school_pki):
    key, cert, cas = school_pki
    store = IdentityStore(folder)
    p12 = _p12(tmp_path / "staff.p12", b"right", key, cert, cas)

    with pytest.raises(Pkcs12WrongPassword) as wrong:
        store.import_pkcs12(p12, "wrong")
    assert str(wrong.value).startswith("The password for \u201cstaff.p12\u201d is not right")
    with pytest.raises(Pkcs12WrongPassword):
        store.import_pkcs12(p12, "")

    pem = tmp_path / "staff.pem"
    pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    cut = tmp_path / "cut.p12"
    cut.write_bytes(p12.read_bytes()[:-40])
    for path in (pem, cut, tmp_path / "absent.p12"):
        with pytest.raises(Pkcs12NotReadable) as not_p12:
            store.import_pkcs12(path, "right")
        assert f"\u201c{path.name}\u201d is not a certificate file that can be imported" in str(not_p12.value)

    only_cert = tmp_path / "certificate-only.p12"
    only_cert.write_bytes(pkcs12.serialize_key_and_certificates(
        b"staff", None, cert, cas, serialization.BestAvailableEncryption(b"right")))
    with pytest.raises(Pkcs12WithoutKey) as no_key:
        store.import_pkcs12(only_cert, "right")
    assert "not the private key" in str(no_key.value)
    assert not store.exists() and files_in(folder) == {}
