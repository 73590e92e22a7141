"""What can go wrong with a signing identity, each with a message that says what to do."""

from __future__ import annotations

from pathlib import Path

_NEW_KEY = "you can make a new signing key (HR will then see a new key on your confirmations)."


class IdentityError(Exception):
    """Base: `str(error)` is plain English for the person at the laptop."""


class KeyringProblem(IdentityError):
    """The keyring (password store) cannot keep or give back the secret; the identity may be fine."""


class KeyringUnavailable(KeyringProblem):
    def __init__(self) -> None:
        super().__init__(
            "This computer has no password store (keyring) that Staff Self-Audit can use, so your signing key "
            "cannot be kept safe and nothing was signed. Windows and macOS have one built in; on Linux, sign in "
            "to a desktop that provides one (such as GNOME Keyring or KDE Wallet), or ask IT."
        )


class KeyringNotUnlocked(KeyringProblem):
    def __init__(self, *, dismissed: bool = False) -> None:
        if dismissed:
            why = ("is locked, and the request to unlock it was closed before it was answered, so nothing was "
                   "signed. Try again and unlock it when asked (usually with the password you sign in to the "
                   "computer with); if no request appears, ask IT.")
        else:
            why = ("is locked and stayed locked, so nothing was signed. Try again and unlock it when asked "
                   "(usually with the password you sign in to the computer with).")
        super().__init__(f"Your password store (keyring) {why}")
        self.dismissed = dismissed


class KeyringDoesNotKeepSecrets(KeyringProblem):
    def __init__(self) -> None:
        super().__init__(
            "Your password store (keyring) accepted the secret that protects your signing key but did not keep "
            "it, so your key cannot be kept safe and nothing was signed. It may have been switched off; ask IT "
            "to turn the computer's keyring back on."
        )


class KeyringFailed(KeyringProblem):
    def __init__(self, detail: str) -> None:
        super().__init__(
            f"Your password store (keyring) reported a problem ({detail}). Try again; if it keeps happening, "
            "restart the computer or ask IT."
        )


class NoIdentity(IdentityError):
    def __init__(self) -> None:
        super().__init__("You do not have a signing key on this computer yet. It is made the first time you sign.")


class IdentityExists(IdentityError):
    def __init__(self, fingerprint: str | None) -> None:
        which = f" (fingerprint {fingerprint[:23]}\u2026)" if fingerprint else ""
        super().__init__(
            f"You already have a signing key on this computer{which}. To start again, {_NEW_KEY}"
        )
        self.fingerprint = fingerprint


class IdentityLocked(IdentityError):
    def __init__(self, *, missing: bool) -> None:
        why = ("is missing from your password store (keyring)" if missing
               else "in your password store (keyring) does not open it")
        super().__init__(
            f"Your signing key is on this computer, but the secret that unlocks it {why}. This happens when the "
            "keyring has been reset or your data was copied from another computer or account. If IT can restore "
            f"your keyring, ask them; otherwise {_NEW_KEY}"
        )
        self.missing = missing


class IdentityUnreadable(IdentityError):
    def __init__(self, folder: Path, reason: str) -> None:
        super().__init__(
            f"Your signing key in {folder} cannot be used: {reason}. Nothing was changed. IT may be able to "
            f"restore the signing files from a backup; otherwise {_NEW_KEY}"
        )
        self.reason = reason


class IdentityNotSaved(IdentityError):
    def __init__(self, folder: Path, error: OSError) -> None:
        super().__init__(
            f"Your signing key could not be saved in {folder} ({error.strerror or error}). Free some disk space "
            "or ask IT to check the folder's permissions, then try again."
        )


class IdentityDetailsInvalid(IdentityError):
    """The name, staff ID or school cannot go into a certificate; the message says which."""


class Pkcs12Error(IdentityError):
    """A certificate file from IT that cannot be imported."""


class Pkcs12WrongPassword(Pkcs12Error):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"The password for \u201c{Path(path).name}\u201d is not right. Check it with IT, who gave you the "
            "file, and try again."
        )


class Pkcs12NotReadable(Pkcs12Error):
    def __init__(self, path: Path, reason: str = "") -> None:
        detail = f" ({reason})" if reason else ""
        super().__init__(
            f"\u201c{Path(path).name}\u201d is not a certificate file that can be imported{detail}. Ask IT for your "
            "certificate as a PKCS#12 file (.p12 or .pfx) that includes its private key."
        )


class Pkcs12WithoutKey(Pkcs12Error):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"\u201c{Path(path).name}\u201d holds a certificate but not the private key that goes with it, so it "
            "cannot sign. Ask IT to export it again with the private key included (.p12 or .pfx)."
        )
