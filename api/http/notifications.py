"""E-mail notifications: an outbox in the store, messages per event in the recipient's
language, and a sender that delivers them over SMTP with retries.

A change and the e-mails that tell about it are written in one transaction:
:func:`enqueue` adds rows to the ``outbox`` table in the caller's session, so a message
exists if and only if the change committed (none for a rolled-back change, none lost for
a committed one). The service's :class:`Sender` (a thread started with the service) sends
the due messages: each row is first *claimed* by a conditional ``UPDATE`` (only one sender
can move it from ``queued`` to ``sending``), so two senders never send a row twice; a
failed attempt puts the row back in the queue with a doubled wait, and after
``notify_max_attempts`` attempts the row is ``failed`` and shown to the admin
(``GET /notifications``). Delivery is at least once: a sender that dies between the SMTP
server's acceptance and the ``sent`` mark leaves a claim that expires, and the row is sent
again.

Recipients are account holders (:class:`api.http.store.tables.UserRow`): the staff users
of an office, the researcher users bound to a profile. A person who unticked e-mail on
``/app/account`` (``notify_email`` false) gets nothing: no row is queued for them. A
profile without an account is written to at its contact e-mail only when
``GRANTMATCH_NOTIFY_PROFILE_CONTACTS`` is on (default off: such a person never agreed to
e-mail from the service and has no way to opt out; the privacy rules of
:mod:`api.http.privacy` keep a contact private from *others*, which sending to the
person themself does not break, but consent is the operator's to establish).

No message carries contact data: an accepted introduction says who may now see whose
contact details and links to the page where the rules of :mod:`api.http.views` apply.

Messages are written in English here, marked with :func:`N_`, and translated through
the web application's catalogues (Russian in ``api/web/locale/ru/LC_MESSAGES/notify.po``).
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import ssl
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from api.http.settings import Settings
from api.http.store.db import Database
from api.http.store.tables import (
    CallRow,
    IntroductionRow,
    OfficeRow,
    OutboxRow,
    ProfileRow,
    UserRow,
    utcnow,
)

log = logging.getLogger("grantmatch.api.http.notifications")

SOURCE_LANGUAGE = "en"
"""The language messages are written in (that of :mod:`api.web.i18n`)."""

CLAIM_LEASE = dt.timedelta(minutes=10)
"""A claim older than this is taken to be a dead sender's, and the row is due again."""


def N_(message: str) -> str:
    """Mark a message for translation without translating it here."""
    return message


@dataclass(frozen=True)
class Template:
    """The subject and plain-text body of one kind of message (``%(name)s`` fields)."""

    subject: str
    body: str


TEMPLATES: dict[str, Template] = {
    "introduction.requested": Template(
        N_("Introduction request: %(requester)s asks to meet %(partner)s"),
        N_(
            "%(requester)s asks your office, %(office)s, for an introduction to "
            "%(partner)s.\n\nOpen the request to answer it:\n%(link)s"
        ),
    ),
    "introduction.forwarded": Template(
        N_("Your request to meet %(partner)s is forwarded"),
        N_(
            "The office %(office)s forwarded your request for an introduction to "
            "%(partner)s. You will be told when they answer.\n\n%(link)s"
        ),
    ),
    "introduction.partner_asked": Template(
        N_("%(requester)s would like to meet you"),
        N_(
            "%(requester)s asks, through the office %(office)s, to be introduced to you. "
            "Your contact details are shared only if you accept.\n\n"
            "Accept or decline here:\n%(link)s"
        ),
    ),
    "introduction.accepted": Template(
        N_("Your introduction to %(partner)s is accepted"),
        N_(
            "The office %(office)s accepted your request for an introduction to "
            "%(partner)s. You may now see their contact details on the introduction's "
            "page (they are not sent by e-mail):\n%(link)s"
        ),
    ),
    "introduction.declined": Template(
        N_("Your introduction to %(partner)s is declined"),
        N_(
            "The office %(office)s declined your request for an introduction to "
            "%(partner)s. The reason, if one was given, is on the introduction's "
            "page:\n%(link)s"
        ),
    ),
    "introduction.partner_accepted": Template(
        N_("Introduction agreed: %(other)s"),
        N_(
            "The introduction between you and %(other)s is agreed. Each of you may now "
            "see the other's contact details on the introduction's page (they are not "
            "sent by e-mail):\n%(link)s"
        ),
    ),
    "introduction.partner_declined": Template(
        N_("%(partner)s declined the introduction"),
        N_(
            "%(partner)s declined your request for an introduction through the office "
            "%(office)s. No contact details were shared.\n\n%(link)s"
        ),
    ),
    "introduction.withdrawn": Template(
        N_("Introduction request withdrawn: %(requester)s and %(partner)s"),
        N_(
            "%(requester)s withdrew the request for an introduction to %(partner)s "
            "through the office %(office)s. Nothing more is needed.\n\n%(link)s"
        ),
    ),
    "introduction.expired": Template(
        N_("Your request to meet %(partner)s expired"),
        N_(
            "Your request for an introduction to %(partner)s through the office "
            "%(office)s expired without an answer. You may ask again.\n\n%(link)s"
        ),
    ),
    "introduction.reminder": Template(
        N_("Reminder: an introduction waits for your answer"),
        N_(
            "The request of %(requester)s for an introduction to %(partner)s, made on "
            "%(date)s, still waits for your answer:\n%(link)s"
        ),
    ),
}
"""Every kind of message, by event."""

GREETING = N_("Hello %(name)s,")
CALL_LINE = N_("Call: %(call)s")
FOOTER = N_(
    "You receive this e-mail because you have an account on grantmatch. "
    "To stop these e-mails, untick e-mail notifications here: %(link)s"
)
FOOTER_NO_ACCOUNT = N_(
    "You receive this e-mail because your profile is in grantmatch. "
    "Reply to this e-mail if you do not wish to receive more."
)

MESSAGES: tuple[str, ...] = (
    *(part for t in TEMPLATES.values() for part in (t.subject, t.body)),
    GREETING,
    CALL_LINE,
    FOOTER,
    FOOTER_NO_ACCOUNT,
)
"""Every message of this module (each needs a translation in every language)."""

# ---------------------------------------------------------------------- configuration


@dataclass(frozen=True)
class NotifyConfig:
    """What building a message needs from the settings."""

    public_url: str = "http://127.0.0.1:8000"
    profile_contacts: bool = False


_config = NotifyConfig()


def configure(settings: Settings) -> None:
    """Use the service's settings for links and recipients (called by the service)."""
    global _config
    _config = NotifyConfig(settings.resolved_public_url(), settings.notify_profile_contacts)


# ---------------------------------------------------------------------- recipients


@dataclass(frozen=True)
class Recipient:
    """Whom a message goes to, in which language, and the page their link opens."""

    email: str
    name: str
    language: str
    page: str
    user_id: int | None = None


def _languages() -> tuple[str, ...]:
    # Imported here: api.web imports the service, which imports this module.
    from api.web.i18n import languages

    return languages()


def _language(locale: str | None) -> str:
    return locale if locale in _languages() else SOURCE_LANGUAGE


def _users(session: Session, role: str, binding: str, page: str) -> list[Recipient]:
    """The active accounts of ``role`` bound to ``binding`` that want e-mail."""
    rows = session.scalars(
        select(UserRow)
        .where(
            UserRow.role == role,
            UserRow.binding == binding,
            UserRow.disabled_at.is_(None),
            UserRow.notify_email.is_(True),
        )
        .order_by(UserRow.id)
    )
    return [Recipient(r.email, r.name, _language(r.locale), page, r.id) for r in rows]


def office_staff(session: Session, office_id: str) -> list[Recipient]:
    """The staff of an office who take e-mail."""
    return _users(session, "office_staff", office_id, "/app/office")


def researcher(
    session: Session, profile_id: str, page: str = "/app/me/introductions"
) -> list[Recipient]:
    """The person of a profile: its accounts that take e-mail; with no account at all,
    the profile's contact e-mail when ``notify_profile_contacts`` allows it. ``page`` is
    the link in the message (a partner answers on ``/app/me/requests``)."""
    found = _users(session, "researcher", profile_id, page)
    if found or not _config.profile_contacts:
        return found
    has_account = session.scalar(
        select(UserRow.id).where(UserRow.role == "researcher", UserRow.binding == profile_id)
    )
    if has_account is not None:  # an account that opted out, or is disabled
        return []
    profile = session.get(ProfileRow, profile_id)
    contact = (profile.data.get("contact") or {}) if profile is not None else {}
    email = contact.get("email") if isinstance(contact, dict) else None
    if profile is None or not isinstance(email, str) or "@" not in email:
        return []
    spoken = [lang for lang in profile.data.get("languages") or [] if lang in _languages()]
    language = spoken[0] if spoken else SOURCE_LANGUAGE
    return [Recipient(email, profile.name, language, page)]


# ---------------------------------------------------------------------- the outbox


def enqueue(
    session: Session,
    *,
    event: str,
    about: str,
    recipient: str,
    language: str,
    subject: str,
    body: str,
    html: str | None = None,
    user_id: int | None = None,
) -> OutboxRow:
    """Queue one e-mail in the caller's transaction (it exists only if that commits).

    Parameters
    ----------
    session : Session
        The session of the change the message tells about.
    event : str
        What happened (``introduction.requested``...).
    about : str
        The object, as the audit trail names it (``introduction:12``).
    recipient, language : str
        The address and the language the message is written in.
    subject, body : str
        The message (plain text).
    html : str, optional
        An HTML alternative of the body.
    user_id : int, optional
        The recipient's account.

    Returns
    -------
    OutboxRow
        The queued row (due at once).
    """
    now = utcnow()
    row = OutboxRow(
        event=event,
        object=about,
        user_id=user_id,
        recipient=recipient,
        language=language,
        subject=subject,
        body=body,
        html=html,
        status="queued",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(row)
    return row


def compose(event: str, recipient: Recipient, values: dict[str, str]) -> tuple[str, str]:
    """The subject and body of ``event`` for ``recipient``, in their language."""
    from api.web.i18n import translations  # here: api.web imports this module's importers

    gettext = translations(recipient.language).gettext
    template = TEMPLATES[event]
    fields = {**values, "link": _config.public_url + recipient.page}
    subject = gettext(template.subject) % fields
    parts = [gettext(GREETING) % {"name": recipient.name}, gettext(template.body) % fields]
    if values.get("call"):
        parts.append(gettext(CALL_LINE) % {"call": values["call"]})
    if recipient.user_id is not None:
        parts.append(gettext(FOOTER) % {"link": _config.public_url + "/app/account"})
    else:
        parts.append(gettext(FOOTER_NO_ACCOUNT))
    return subject, "\n\n".join(parts) + "\n"


def _queue(
    session: Session,
    event: str,
    row: IntroductionRow,
    recipients: Iterable[Recipient],
    values: dict[str, str],
) -> list[OutboxRow]:
    queued = []
    seen: set[str] = set()
    for recipient in recipients:
        if recipient.email in seen:
            continue
        seen.add(recipient.email)
        subject, body = compose(event, recipient, values)
        queued.append(
            enqueue(
                session,
                event=event,
                about=f"introduction:{row.id}",
                recipient=recipient.email,
                language=recipient.language,
                subject=subject,
                body=body,
                user_id=recipient.user_id,
            )
        )
    return queued


def _name(session: Session, table: type[ProfileRow | OfficeRow | CallRow], key: str) -> str:
    name = session.scalar(select(table.name).where(table.id == key))
    return name or key


def _values(session: Session, row: IntroductionRow) -> dict[str, str]:
    """The names a message about an introduction shows (never contact data)."""
    return {
        "requester": _name(session, ProfileRow, row.requester_id),
        "partner": _name(session, ProfileRow, row.partner_id),
        "office": _name(session, OfficeRow, row.office_id),
        "call": _name(session, CallRow, row.call_id) if row.call_id else "",
        "date": row.created_at.date().isoformat(),
    }


# ------------------------------------------------------------ one function per event


def notify_introduction_requested(session: Session, row: IntroductionRow) -> list[OutboxRow]:
    """A researcher asked for an introduction: tell the office's staff.

    Parameters
    ----------
    session : Session
        The transaction that stored the request (flushed: ``row.id`` is set).
    row : IntroductionRow
        The introduction.

    Returns
    -------
    list of OutboxRow
        The queued messages (none when nobody takes e-mail).
    """
    return _queue(
        session,
        "introduction.requested",
        row,
        office_staff(session, row.office_id),
        _values(session, row),
    )


def notify_introduction_forwarded(session: Session, row: IntroductionRow) -> list[OutboxRow]:
    """The office forwarded a request: tell the requester, and ask the partner."""
    values = _values(session, row)
    return _queue(
        session, "introduction.forwarded", row, researcher(session, row.requester_id), values
    ) + _queue(
        session,
        "introduction.partner_asked",
        row,
        researcher(session, row.partner_id, "/app/me/requests"),
        values,
    )


def notify_introduction_decided(session: Session, row: IntroductionRow) -> list[OutboxRow]:
    """The office decided a request (``row.status``: ``accepted``, ``declined`` or
    ``forwarded``): tell the requester (and, when forwarded, ask the partner)."""
    if row.status == "forwarded":
        return notify_introduction_forwarded(session, row)
    if row.status not in ("accepted", "declined"):
        raise ValueError(f"introduction {row.id} is {row.status!r}, not decided by its office")
    return _queue(
        session,
        f"introduction.{row.status}",
        row,
        researcher(session, row.requester_id),
        _values(session, row),
    )


def notify_partner_accepted(session: Session, row: IntroductionRow) -> list[OutboxRow]:
    """The partner accepted: tell both sides that each may now see the other's contact
    details (on the page, where the visibility rules apply; none in the message)."""
    values = _values(session, row)
    to_requester = _queue(
        session,
        "introduction.partner_accepted",
        row,
        researcher(session, row.requester_id),
        {**values, "other": values["partner"]},
    )
    to_partner = _queue(
        session,
        "introduction.partner_accepted",
        row,
        researcher(session, row.partner_id),
        {**values, "other": values["requester"]},
    )
    return to_requester + to_partner


def notify_partner_declined(session: Session, row: IntroductionRow) -> list[OutboxRow]:
    """The partner declined: tell the requester."""
    return _queue(
        session,
        "introduction.partner_declined",
        row,
        researcher(session, row.requester_id),
        _values(session, row),
    )


def notify_introduction_withdrawn(
    session: Session, row: IntroductionRow, *, partner_was_asked: bool = False
) -> list[OutboxRow]:
    """The requester withdrew: tell the office's staff, and the partner when the request
    had already been forwarded to them."""
    values = _values(session, row)
    recipients = office_staff(session, row.office_id)
    if partner_was_asked:
        recipients += researcher(session, row.partner_id)
    return _queue(session, "introduction.withdrawn", row, recipients, values)


def notify_introduction_expired(session: Session, row: IntroductionRow) -> list[OutboxRow]:
    """A request expired unanswered: tell the requester."""
    return _queue(
        session,
        "introduction.expired",
        row,
        researcher(session, row.requester_id),
        _values(session, row),
    )


def notify_introduction_reminder(session: Session, row: IntroductionRow) -> list[OutboxRow]:
    """Remind whoever must answer: the office's staff of a ``pending`` request, the
    partner of a ``forwarded`` one (nobody otherwise)."""
    if row.status == "pending":
        recipients = office_staff(session, row.office_id)
    elif row.status == "forwarded":
        recipients = researcher(session, row.partner_id)
    else:
        return []
    return _queue(session, "introduction.reminder", row, recipients, _values(session, row))


# ---------------------------------------------------------------------- the sender

Deliver = Callable[[Settings, OutboxRow], None]


def smtp_deliver(settings: Settings, row: OutboxRow) -> None:
    """Send one message through the configured SMTP server (raises on any failure)."""
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = row.recipient
    message["Subject"] = row.subject
    message["Message-ID"] = make_msgid(idstring=f"outbox-{row.id}")
    message.set_content(row.body)
    if row.html:
        message.add_alternative(row.html, subtype="html")
    # After the content: setting it clears every Content-* header.
    message["Content-Language"] = row.language
    assert settings.smtp_host is not None
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
        smtp.send_message(message)


class Sender:
    """Sends the outbox's due messages, in a background thread or on demand.

    Parameters
    ----------
    database : Database
        The store holding the outbox.
    settings : Settings
        The SMTP server (none: nothing is sent), attempts, waits and polling.
    deliver : callable, optional
        Sends one row (default: :func:`smtp_deliver`).
    chores : callable, optional
        Run by the thread before each look at the outbox (the service passes
        :class:`api.http.reminders.Sweeper`, which expires requests and queues reminders
        at most every few minutes), so what it queues goes out in the same round.
    """

    def __init__(
        self,
        database: Database,
        settings: Settings,
        deliver: Deliver | None = None,
        chores: Callable[[], object] | None = None,
    ) -> None:
        self.database = database
        self.settings = settings
        self.deliver = deliver or smtp_deliver
        self.chores = chores
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def enabled(self) -> bool:
        """Whether an SMTP server is configured."""
        return bool(self.settings.smtp_host)

    def start(self) -> None:
        """Start the sending thread (it polls every ``notify_poll_seconds``)."""
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="grantmatch-mail", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread after the message it is sending."""
        if self._thread is not None:
            self._stop.set()
            self._thread.join(timeout)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            if self.chores is not None:
                try:
                    self.chores()
                except Exception:  # the store was unreachable: try again at the next poll
                    log.exception("the periodic introduction pass failed")
            try:
                self.send_due()
            except Exception:  # the store was unreachable: try again at the next poll
                log.exception("sending notifications failed")
            self._stop.wait(self.settings.notify_poll_seconds)

    def send_due(self, now: dt.datetime | None = None, limit: int = 100) -> int:
        """Send the messages due at ``now``; returns how many were sent.

        Each row is claimed first (one conditional ``UPDATE``): a row another sender
        claimed is left to it.
        """
        if not self.enabled:
            return 0
        moment = now or utcnow()
        with self.database.session() as session:
            due = session.scalars(
                select(OutboxRow.id)
                .where(_claimable(moment))
                .order_by(OutboxRow.next_attempt_at, OutboxRow.id)
                .limit(limit)
            ).all()
        sent = 0
        for row_id in due:
            row = self._claim(row_id, moment)
            if row is not None:
                sent += self._send(row, moment)
        return sent

    def _claim(self, row_id: int, now: dt.datetime) -> OutboxRow | None:
        with self.database.session() as session:
            claimed = session.execute(
                update(OutboxRow)
                .where(OutboxRow.id == row_id, _claimable(now))
                .values(status="sending", claimed_at=now, attempts=OutboxRow.attempts + 1)
            )
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                return None
            return session.get(OutboxRow, row_id)

    def _send(self, row: OutboxRow, now: dt.datetime) -> int:
        try:
            self.deliver(self.settings, row)
        except Exception as error:  # any failure is retried later, never lost
            reason = f"{type(error).__name__}: {error}"[:2000]
            if row.attempts >= self.settings.notify_max_attempts:
                values: dict[str, object] = {"status": "failed", "last_error": reason}
                log.error("notification %s failed for good: %s", row.id, reason)
            else:
                wait = self.settings.notify_retry_seconds * 2 ** (row.attempts - 1)
                values = {
                    "status": "queued",
                    "last_error": reason,
                    "next_attempt_at": now + dt.timedelta(seconds=wait),
                }
                log.warning(
                    "notification %s not sent (attempt %s): %s", row.id, row.attempts, reason
                )
            self._finish(row.id, values)
            return 0
        self._finish(row.id, {"status": "sent", "sent_at": utcnow(), "last_error": None})
        return 1

    def _finish(self, row_id: int, values: dict[str, object]) -> None:
        with self.database.session() as session:
            session.execute(
                update(OutboxRow)
                .where(OutboxRow.id == row_id, OutboxRow.status == "sending")
                .values(claimed_at=None, **values)
            )


def _claimable(now: dt.datetime) -> ColumnElement[bool]:
    """A queued row that is due, or a row whose sender's claim has expired."""
    return or_(
        and_(OutboxRow.status == "queued", OutboxRow.next_attempt_at <= now),
        and_(OutboxRow.status == "sending", OutboxRow.claimed_at < now - CLAIM_LEASE),
    )


def retry(session: Session, row_id: int) -> bool:
    """Queue a failed message again, due now, with its attempts reset."""
    changed = session.execute(
        update(OutboxRow)
        .where(OutboxRow.id == row_id, OutboxRow.status == "failed")
        .values(status="queued", attempts=0, next_attempt_at=utcnow())
    )
    return bool(changed.rowcount == 1)  # type: ignore[attr-defined]
