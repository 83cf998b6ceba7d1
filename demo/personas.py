"""The demo's cast: who each persona is and what they put in their session."""

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Persona:
    name: str
    email: str
    language: str
    currency: str
    theme: str
    remember: bool
    cart: tuple[tuple[str, int], ...]

    @property
    def slug(self):
        """A file-name-safe id: the email's local part."""
        return self.email.split("@")[0]


CAST = (
    Persona("Ana", "ana@example.com", "en", "USD", "light", True, (("mug", 2), ("tee", 1))),
    Persona("Bruno", "bruno@example.org", "es", "EUR", "dark", False, (("cap", 1), ("book", 3))),
    Persona("Chloé", "chloe@example.net", "fr", "JPY", "system", True, (("pen", 5), ("lamp", 1))),
    Persona("Dieter", "dieter@example.com", "de", "GBP", "dark", False, (("sock", 4), ("tea", 2))),
)


def cast(count):
    """The first count personas; past the four above, numbered copies of them."""
    people = []
    for index in range(count):
        base = CAST[index % len(CAST)]
        round_ = index // len(CAST) + 1
        if round_ > 1:
            local, domain = base.email.split("@")
            base = replace(base, name=f"{base.name} {round_}", email=f"{local}{round_}@{domain}")
        people.append(base)
    return people
