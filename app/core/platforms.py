"""The social media platforms the app gives how-to steps for."""

from __future__ import annotations

from app.core.record import record


@record
class Platform:
    """A social media platform a person may use, and the web domains its settings live on."""

    id: str
    name: str
    domains: tuple[str, ...]

    def owns_host(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return any(host == d or host.endswith("." + d) for d in self.domains)


PLATFORMS: dict[str, Platform] = {
    p.id: p
    for p in (
        Platform("facebook", "Facebook", ("facebook.com",)),
        Platform("instagram", "Instagram", ("instagram.com",)),
        Platform("x", "X (Twitter)", ("x.com", "twitter.com")),
        Platform("tiktok", "TikTok", ("tiktok.com",)),
        Platform("linkedin", "LinkedIn", ("linkedin.com",)),
        Platform("snapchat", "Snapchat", ("snapchat.com",)),
        Platform("whatsapp", "WhatsApp", ("whatsapp.com",)),
    )
}
