"""The web console in headless Chromium, as staff and admins use it.

`python -m bot` runs for real (BOT_WEB_PORT set, accounts added with `python -m bot user add` reading
the password from stdin) and Selenium drives Debian's chromium through /usr/bin/chromedriver; nothing
is downloaded. `.ci/run` installs both; without them these tests are skipped, saying so.
Set GAZETTE_SCREENSHOTS=docs to refresh the README's pictures.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from knowledge.bundled import BUNDLED_NOTICES
from tests.conftest import HEATING_NOTICE, ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
    reason="Debian's chromium and chromium-driver are not installed (.ci/run installs them with apt-get)",
)
ADMIN, STAFF = ("zhangwei", "admin password 1"), ("liuyang", "staff password 1")
START_SECONDS = 180  # building the bundled knowledge base on a busy 2-core machine


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`python -m bot` with the web console on a free port, over a writable copy of the bundled notices."""
    home = tmp_path_factory.mktemp("web")
    shutil.copytree(BUNDLED_NOTICES, home / "notices")
    env = {**os.environ, "BOT_DATA_DIR": str(home / "data"), "BOT_KNOWLEDGE_DIR": str(home / "notices"),
           "BOT_WEB_PORT": str(free_port()), "BOT_WEB_LOGIN_ATTEMPTS": "3", "PYTHONPATH": str(ROOT)}
    for key in ("TELEGRAM_BOT_TOKEN", "WECHAT_TOKEN"):
        env.pop(key, None)
    for (name, password), role in ((ADMIN, "admin"), (STAFF, "staff")):
        subprocess.run([sys.executable, "-m", "bot", "user", "add", name, "--role", role], input=password + "\n",
                       text=True, env=env, cwd=home, check=True, capture_output=True)
    process = subprocess.Popen([sys.executable, "-m", "bot"], env=env, cwd=home, stdin=subprocess.DEVNULL,
                               stdout=open(home / "bot.log", "wb"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{env['BOT_WEB_PORT']}"
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            urllib.request.urlopen(base + "/login", timeout=5)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("python -m bot did not serve the console:\n" + (home / "bot.log").read_text())
            time.sleep(0.3)
    yield base, home
    process.terminate()
    process.wait(30)


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1500,1000",
                     "--lang=zh-CN"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.implicitly_wait(10)
    yield driver
    driver.quit()


def by(css):
    from selenium.webdriver.common.by import By

    return By.CSS_SELECTOR, css


def wait(browser, seconds=15):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, seconds)


def go(browser, element):
    """Click something that loads a page, and wait until the new page is there (not the old one)."""
    from selenium.webdriver.support import expected_conditions

    page = browser.find_element(*by("html"))
    element.click()
    wait(browser).until(expected_conditions.staleness_of(page))


def log_in(browser, base, account):
    browser.delete_all_cookies()
    browser.get(base + "/login")
    browser.find_element(*by("input[name=username]")).send_keys(account[0])
    browser.find_element(*by("input[name=password]")).send_keys(account[1])
    go(browser, browser.find_element(*by("form.login button")))


def screenshot(browser, name):
    folder = os.environ.get("GAZETTE_SCREENSHOTS")
    if folder:
        browser.save_screenshot(str(ROOT / folder / name))


def test_staff_search_shows_the_clause_the_units_and_the_notice(server, browser):
    base, _ = server
    log_in(browser, base, STAFF)
    box = browser.find_element(*by("input[name=q]"))
    box.send_keys("失业金怎么领")
    go(browser, browser.find_element(*by("form.search button")))
    first = browser.find_element(*by(".cards .card"))
    assert "优化失业保险金发放领取程序" in first.text
    assert "黄政办发〔2022〕58号" in first.text and "市人社局" in first.text
    assert "为什么匹配" in first.text
    screenshot(browser, "web-search.png")


def test_copy_button_copies_the_citizens_reply(server, browser):
    base, _ = server
    browser.execute_cdp_cmd("Browser.grantPermissions", {
        "origin": base, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
    button = browser.find_element(*by(".cards .card button.copy"))
    expected = browser.find_element(*by("#" + button.get_attribute("data-copy"))).get_attribute("value")
    button.click()
    read = "const done = arguments[0]; navigator.clipboard.readText().then(done, e => done('error: ' + e));"
    wait(browser).until(lambda d: d.execute_async_script(read) == expected)
    copied = browser.execute_async_script(read)
    assert copied.startswith("【优化失业保险金发放领取程序】") and "牵头单位：市人社局" in copied


def test_notices_outline_and_clause(server, browser):
    base, _ = server
    go(browser, browser.find_element(*by("header nav a[href='/notices']")))
    go(browser, browser.find_element(*by("table.list a[href*='58']")))
    outline = browser.find_element(*by("ol.outline"))
    assert "优化失业保险金发放领取程序" in outline.text and "二、（四）" in outline.text
    screenshot(browser, "web-outline.png")
    link = next(a for a in browser.find_elements(*by("ol.outline a")) if "优化失业保险金发放领取程序" in a.text)
    go(browser, link)
    card = browser.find_element(*by(".card"))
    assert "优化失业保险金发放领取程序" in card.text and "市人社局" in card.text


def test_staff_get_403_on_admin_pages(server, browser):
    base, _ = server
    assert not browser.find_elements(*by("header nav a[href='/admin']"))
    browser.get(base + "/admin")
    assert "只有管理员" in browser.find_element(*by("main")).text


def test_admin_uploads_a_notice_and_reloads(server, browser, tmp_path):
    base, home = server
    log_in(browser, base, ADMIN)
    go(browser, browser.find_element(*by("header nav a[href='/admin']")))
    notice = tmp_path / "冬季供暖.txt"
    notice.write_text(HEATING_NOTICE, encoding="utf-8")
    browser.find_element(*by("input[type=file]")).send_keys(str(notice))
    go(browser, browser.find_element(*by("form[action='/admin/upload'] button")))
    assert "已上传：冬季供暖.txt" in browser.find_element(*by("p.ok")).text
    assert (home / "notices" / "冬季供暖.txt").read_text(encoding="utf-8") == HEATING_NOTICE
    go(browser, browser.find_element(*by("#reload")))
    report = browser.find_element(*by("#report")).text
    assert "知识库已更新" in report and "通知 6 件" in report
    assert "新增：" in report and "江政办发〔2023〕20号" in report  # start-up notices are new too
    assert zhangwei_in_history(browser)
    screenshot(browser, "web-reload.png")
    browser.get(base + "/?q=暖气不热找谁")
    assert "市热力公司" in browser.find_element(*by(".cards")).text


def zhangwei_in_history(browser) -> bool:
    return any(ADMIN[0] in row.text and "成功" in row.text for row in browser.find_elements(*by("table.history tr")))


def test_a_post_without_the_csrf_token_is_refused(server, browser):
    base, _ = server
    browser.get(base + "/admin")
    browser.execute_script("document.querySelector(\"form[action='/admin/reload'] input[name=csrf_token]\").remove()")
    go(browser, browser.find_element(*by("#reload")))
    assert "CSRF" in browser.find_element(*by("main")).text
    assert browser.execute_script("return document.title").startswith("没有权限")


def test_logout(server, browser):
    base, _ = server
    browser.get(base + "/")
    go(browser, browser.find_element(*by("#logout")))
    assert browser.current_url.startswith(base + "/login")
    browser.get(base + "/notices")
    assert browser.current_url.startswith(base + "/login")


def test_repeated_failures_lock_the_account_out(server, browser):
    base, _ = server
    for _ in range(3):  # BOT_WEB_LOGIN_ATTEMPTS=3
        log_in(browser, base, (STAFF[0], "not the password"))
        assert "用户名或密码不正确" in browser.find_element(*by(".error")).text
    log_in(browser, base, STAFF)  # the right password, too late
    assert "锁定" in browser.find_element(*by(".error")).text
    assert browser.current_url.startswith(base + "/login")
