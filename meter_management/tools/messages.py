"""Wording shared by the add-ons' messages."""


def meters_text(env, count):
    """``"1 meter"`` or ``"20 meters"``, translated: a count of meters as a message shows it."""
    if count == 1:
        return env._("1 meter")
    return env._("%(count)s meters", count=count)
