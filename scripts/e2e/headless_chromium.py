"""The headless Chromium session the browser tests drive (Debian's chromium and chromedriver)."""
import os

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service


def start(window="1280,1000"):
    """A Chrome driver for Debian's headless Chromium, keeping the browser console's log."""
    options = webdriver.ChromeOptions()
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", f"--window-size={window}"]:
        options.add_argument(argument)
    options.binary_location = next((p for p in ["/usr/bin/chromium", "/usr/bin/chromium-browser"] if os.path.exists(p)), "/usr/bin/chromium")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver_path = next((p for p in ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"] if os.path.exists(p)), None)
    driver = webdriver.Chrome(service=Service(driver_path) if driver_path else Service(), options=options)
    driver.set_page_load_timeout(60)
    return driver


def console_errors(driver):
    """The SEVERE messages the browser console logged since the last call."""
    return [entry.get("message") for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"]


def alert_open(driver):
    """Whether a JavaScript alert is showing (a page that ran injected script would show one)."""
    try:
        driver.switch_to.alert
        return True
    except NoAlertPresentException:
        return False
