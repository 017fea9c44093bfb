"""What the mini-program's browser journeys share besides fixtures: the phone's size and logging in."""

PHONE = {"width": 390, "height": 844}


def log_in(page, base_url: str, name: str) -> None:
    """Open the client and log in with the stand-in's ``dev:<name>`` code (the page adds a fresh nonce)."""
    page.goto(f"{base_url}/m/")
    page.locator("[data-test=dev-code] input").fill(f"dev:{name}")
    page.locator("[data-test=dev-login]").click()
    page.locator("[data-test=my-communities]").wait_for()
