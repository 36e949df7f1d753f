"""The staff web console: routes, the session/CSRF middleware and the pages.

Staff search (candidates side by side, with the reply a citizen gets), browse notices and units,
and read the unanswered questions; admins also upload notice files and reload. Everything goes
through the Assistant, like every other channel.
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from urllib.parse import urlencode

import jinja2
from aiohttp import web

from handlers.assistant import Assistant
from handlers.render import chinese_date, path_label, render_console, render_reload_failure, render_reload_report
from handlers.web import auth, cards
from handlers.web.uploads import UploadError, knowledge_files, save_upload, writable_dir
from knowledge.accounts import Account, ConsoleStore
from knowledge.errors import KnowledgeBaseError
from knowledge.model import Hit

log = logging.getLogger(__name__)
HERE = Path(__file__).parent
PUBLIC = ("/login", "/static/")
MAX_QUERY = 200  # characters of a search handed to the engine
SECURITY_HEADERS = {
    # Every asset is ours: no CDN, no inline script, no framing.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

ASSISTANT = web.AppKey("assistant", Assistant)
STORE = web.AppKey("store", ConsoleStore)
SESSIONS = web.AppKey("sessions", auth.Sessions)
THROTTLE = web.AppKey("throttle", auth.LoginThrottle)
TEMPLATES = web.AppKey("templates", jinja2.Environment)
CONFIG = web.AppKey("config", dict)
# Typed request keys where aiohttp has them (3.12+), plain names before.
SESSION = web.RequestKey("session", dict) if hasattr(web, "RequestKey") else "session"
ACCOUNT = web.RequestKey("account", Account) if hasattr(web, "RequestKey") else "account"


def build_web_app(settings, assistant: Assistant, store: ConsoleStore) -> web.Application:
    upload_limit = settings.int("BOT_WEB_UPLOAD_MB") << 20
    app = web.Application(middlewares=[session_middleware], client_max_size=upload_limit + (1 << 16))
    app[ASSISTANT] = assistant
    app[STORE] = store
    secret = auth.secret_key(settings.get("BOT_WEB_SECRET"), store.path)
    app[SESSIONS] = auth.Sessions(secret, settings.int("BOT_WEB_IDLE_MINUTES") * 60,
                                  settings.flag("BOT_WEB_SECURE_COOKIE"))
    app[THROTTLE] = auth.LoginThrottle(settings.int("BOT_WEB_LOGIN_ATTEMPTS"),
                                       settings.int("BOT_WEB_LOCKOUT_MINUTES") * 60)
    app[TEMPLATES] = templates()
    app[CONFIG] = {"knowledge_dir": settings.knowledge_dir, "upload_limit": upload_limit}
    app.add_routes([
        web.get("/login", login_page), web.post("/login", login),
        web.post("/logout", logout),
        web.get("/", search_page),
        web.get("/notices", notices_page), web.get("/notice", outline_page), web.get("/clause", clause_page),
        web.get("/units", units_page),
        web.get("/questions", questions_page),
        web.get("/admin", admin_page), web.post("/admin/upload", upload), web.post("/admin/reload", reload),
        web.get("/admin/reloads", reloads_page),
        web.static("/static", HERE / "static"),
    ])
    return app


def templates() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["when"] = lambda t: time.strftime("%Y-%m-%d %H:%M", time.localtime(t))
    env.filters["size"] = lambda n: f"{n / 1024:.0f} KB" if n < 1 << 20 else f"{n / (1 << 20):.1f} MB"
    env.filters["percent"] = lambda x: f"{x:.0%}"
    return env


def render(request: web.Request, template: str, status: int = 200, **context) -> web.Response:
    session = request.get(SESSION, {})
    page = request.app[TEMPLATES].get_template(template).render(
        account=request.get(ACCOUNT), csrf=session.get("csrf", ""), path=request.path, **context)
    return web.Response(text=page, content_type="text/html", charset="utf-8", status=status)


def forbidden(request: web.Request, message: str) -> web.Response:
    return render(request, "error.html", status=403, title="没有权限", message=message)


# --- the middleware: session, CSRF, login required ---------------------------------------------------


@web.middleware
async def session_middleware(request: web.Request, handler):
    sessions = request.app[SESSIONS]
    session = sessions.load(request.cookies.get(auth.COOKIE))
    request[SESSION] = session
    request[ACCOUNT] = current_account(request, session)
    try:
        response = await guarded(request, handler)
    except web.HTTPException as exc:  # redirects carry the cookie too
        response = exc
    session = request[SESSION]
    if session.get("user"):
        session["seen"] = time.time()  # the idle timeout slides with every request
    if not request.path.startswith("/static/"):
        response.set_cookie(auth.COOKIE, sessions.dump(session), **sessions.cookie_options(is_https(request)))
    response.headers.update(SECURITY_HEADERS)
    if isinstance(response, web.HTTPException):
        raise response
    return response


async def guarded(request: web.Request, handler):
    """Refuse a POST without the session's CSRF token, and any page but login to the logged out."""
    if request.method == "POST":
        try:
            form = await request.post()
        except web.HTTPRequestEntityTooLarge:
            limit = request.app[CONFIG]["upload_limit"] >> 20
            return render(request, "error.html", status=413, title="文件太大",
                          message=f"上传的文件不能超过 {limit} MB。")
        if not auth.csrf_ok(request[SESSION], form.get(auth.CSRF_FIELD)):
            return forbidden(request, "表单已失效或缺少校验码（CSRF），请刷新页面后重试。")
    if request[ACCOUNT] is None and not request.path.startswith(PUBLIC):
        if request.method != "GET":
            return forbidden(request, "请先登录。")
        target = request.path_qs if request.path != "/" or request.query_string else ""
        query = {"next": target} if target else {}
        if request[SESSION].get("expired"):
            query["expired"] = "1"
        raise web.HTTPFound("/login" + (f"?{urlencode(query)}" if query else ""))
    return await handler(request)


def current_account(request: web.Request, session: dict) -> Account | None:
    """The logged-in account, if it still exists with the same password (epoch) it logged in with."""
    name = session.get("user")
    if not name:
        return None
    account = request.app[STORE].get(name)
    if account is None or account.epoch != session.get("epoch"):
        session.clear()
        session.update(auth.new_session())
        return None
    return account


def is_https(request: web.Request) -> bool:
    return request.secure or request.headers.get("X-Forwarded-Proto", "").lower() == "https"


def admin_only(handler):
    async def checked(request: web.Request):
        if not request[ACCOUNT].is_admin:
            return forbidden(request, "这个页面只有管理员可以使用。")
        return await handler(request)

    return checked


# --- login and logout ----------------------------------------------------------------------------------


async def login_page(request: web.Request) -> web.Response:
    if request[ACCOUNT] is not None:
        raise web.HTTPFound(auth.safe_next(request.query.get("next")))
    expired = request[SESSION].get("expired") or request.query.get("expired")
    message = "登录已超时，请重新登录。" if expired else ""
    return render(request, "login.html", error=message, username="", next=request.query.get("next", ""))


async def login(request: web.Request) -> web.Response:
    form = await request.post()
    username, password = str(form.get("username", "")).strip(), str(form.get("password", ""))
    target = str(form.get("next", ""))
    throttle = request.app[THROTTLE]
    keys = auth.throttle_keys(username, request.remote)
    wait = throttle.locked_for(keys)
    if wait > 0:
        error = f"登录失败次数过多，已暂时锁定，请 {max(1, round(wait / 60))} 分钟后再试。"
        return render(request, "login.html", status=429, error=error, username=username, next=target)
    account = await asyncio.to_thread(request.app[STORE].verify, username, password) if username else None
    if account is None:
        throttle.failed(keys)
        log.warning("web console: failed login for %r from %s", username[:32], request.remote)
        return render(request, "login.html", status=401, error="用户名或密码不正确。", username=username, next=target)
    throttle.succeeded(keys[0])
    request[SESSION] = auth.new_session(account.name, account.epoch)
    log.info("web console: %s logged in", account.name)
    raise web.HTTPFound(auth.safe_next(target))


async def logout(request: web.Request) -> web.Response:
    request[SESSION] = auth.new_session()
    raise web.HTTPFound("/login")


# --- staff pages --------------------------------------------------------------------------------------


async def search_page(request: web.Request) -> web.Response:
    query = request.query.get("q", "").strip()[:MAX_QUERY]
    if not query:
        return render(request, "search.html", q="", answer=None, cards=[], reply="", reason="", concepts=[])
    answer = await asyncio.to_thread(request.app[ASSISTANT].lookup, query)
    return render(request, "search.html", q=query, answer=answer, cards=cards.candidate_cards(answer),
                  reply=render_console(answer), reason=cards.reason_label(answer), concepts=cards.concepts(answer),
                  notice_ref=answer.notice.key if answer.notice else "")


async def notices_page(request: web.Request) -> web.Response:
    notices = request.app[ASSISTANT].notices()
    rows = [{"ref": n.key, "title": n.short_title, "doc_no": n.doc_no, "issuer": n.issuer,
             "date": chinese_date(n.date), "clauses": len(n.clauses)} for n in notices]
    return render(request, "notices.html", notices=rows)


async def outline_page(request: web.Request) -> web.Response:
    notice = cards.find_notice(request.app[ASSISTANT].notices(), request.query.get("ref", ""))
    if notice is None:
        return render(request, "error.html", status=404, title="没有这份文件", message="请从文件列表中选择。")
    return render(request, "outline.html", notice=notice, date=chinese_date(notice.date),
                  rows=cards.outline_rows(notice))


async def clause_page(request: web.Request) -> web.Response:
    notice = cards.find_notice(request.app[ASSISTANT].notices(), request.query.get("ref", ""))
    try:
        clause = cards.find_clause(notice, int(request.query.get("n", ""))) if notice else None
    except ValueError:
        clause = None
    if clause is None:
        return render(request, "error.html", status=404, title="没有这一条", message="请从文件目录中选择。")
    positions = [c.position for c in notice.clauses]
    index = positions.index(clause.position)
    return render(request, "clause.html", card=cards.card(Hit(clause, notice, 0.0)), notice=notice,
                  previous=positions[index - 1] if index else None,
                  following=positions[index + 1] if index + 1 < len(positions) else None)


async def units_page(request: web.Request) -> web.Response:
    assistant = request.app[ASSISTANT]
    name = request.query.get("name", "").strip()[:MAX_QUERY]
    if not name:
        return render(request, "units.html", name="", units=cards.unit_counts(assistant.notices()), answer=None,
                      lead=[], shared=[], reply="")
    answer = assistant.unit(name)
    lead = [h for h in answer.hits if answer.unit in h.clause.lead_units]
    shared = [h for h in answer.hits if h not in lead]
    return render(request, "units.html", name=name, units=[], answer=answer, lead=lead, shared=shared,
                  reply=render_console(answer), path_label=path_label)


async def questions_page(request: web.Request) -> web.Response:
    assistant = request.app[ASSISTANT]
    try:
        days = max(1, min(int(request.query.get("days", "7")), 3650))
    except ValueError:
        days = 7
    stats = await asyncio.to_thread(assistant.stats, days)
    recent = await asyncio.to_thread(assistant.recent_unanswered, 50)
    return render(request, "questions.html", days=days, stats=stats, recent=recent)


# --- admin pages --------------------------------------------------------------------------------------


@admin_only
async def admin_page(request: web.Request) -> web.Response:
    return admin_view(request)


def admin_view(request: web.Request, message: str = "", error: str = "", status: int = 200) -> web.Response:
    """Files in the knowledge directory, the upload form, the reload button and the latest reloads."""
    config = request.app[CONFIG]
    try:
        writable_dir(config["knowledge_dir"])
        upload_refused = ""
    except UploadError as exc:
        upload_refused = str(exc)
    return render(request, "admin.html", status=status, message=message, error=error,
                  files=knowledge_files(config["knowledge_dir"]), folder=str(config["knowledge_dir"]),
                  upload_refused=upload_refused, limit_mb=config["upload_limit"] >> 20,
                  history=request.app[STORE].reloads(10))


@admin_only
async def upload(request: web.Request) -> web.Response:
    form = await request.post()
    files = [f for f in form.getall("file", []) if isinstance(f, web.FileField)]
    if not files:
        return admin_view(request, error="请选择要上传的文件。", status=400)
    saved, errors = [], []
    config = request.app[CONFIG]
    for field in files:
        try:
            path, replaced = await asyncio.to_thread(save_upload, config["knowledge_dir"], field.filename,
                                                     field.file, config["upload_limit"])
            saved.append(f"{path.name}{'（已替换同名文件）' if replaced else ''}")
            log.info("web console: %s uploaded %s", request[ACCOUNT].name, path.name)
        except UploadError as exc:
            errors.append(str(exc))
    message = f"已上传：{'、'.join(saved)}。点击「重建知识库」后生效。" if saved else ""
    return admin_view(request, message=message, error="\n".join(errors), status=200 if saved or not errors else 400)


@admin_only
async def reload(request: web.Request) -> web.Response:
    account, store = request[ACCOUNT], request.app[STORE]
    try:
        report = await request.app[ASSISTANT].reload()
    except KnowledgeBaseError as exc:
        summary, ok = render_reload_failure(exc), False
    else:
        summary, ok = render_reload_report(report), True
    await asyncio.to_thread(store.record_reload, account.name, ok, summary)
    log.info("web console: %s reloaded the knowledge base (%s)", account.name, "ok" if ok else "failed")
    return render(request, "reload.html", status=200 if ok else 422, ok=ok, summary=summary,
                  history=store.reloads(10))


@admin_only
async def reloads_page(request: web.Request) -> web.Response:
    return render(request, "reloads.html", history=request.app[STORE].reloads(200))
