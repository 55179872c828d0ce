"""Sending the certificates of the entrepreneurship school: a sweep over the rows
staff issued (bot.enterprise.service_school.issue_certificates).

One replica at a time (bot.core.once.alone, in bot/jobs.py). Each certificate is drawn
in her language when sent, uploaded to her chat (sendDocument), and marked sent in its
own transaction: a process killed between the upload and the commit sends that one
again at the next run (a second copy of a certificate harms nobody; one never sent
would). A woman who blocked the bot is marked so; a refusal marks it not delivered (staff
see it in the course's certificates); a network failure leaves it for the next run.
"""

from __future__ import annotations

import io
import logging

from telegram import InputFile
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.core import users
from bot.core.context import BotContext
from bot.db.models import Course, DeliveryStatus
from bot.enterprise import service_school as school
from bot.enterprise import views_school as views
from bot.enterprise.certificate_pdf import CertificateFacts, build_certificate

log = logging.getLogger(__name__)
BATCH = 5


async def send_certificates(context: BotContext) -> None:
    data = context.bot_data
    async with data.session_factory() as session:
        due = [c.id for c in await school.due_certificates(session, BATCH)]
    for certificate_id in due:
        async with data.session_factory() as session, session.begin():
            certificate = next(
                (
                    c
                    for c in await school.due_certificates(session, BATCH)
                    if c.id == certificate_id
                ),
                None,
            )
            if certificate is None:
                continue
            now = data.clock.now()
            her = (
                await users.get_user(session, certificate.user_id)
                if certificate.user_id is not None
                else None
            )
            course = await session.get(Course, certificate.course_id)
            if her is None or course is None or not her.active:
                await school.mark_certificate(session, certificate.id, DeliveryStatus.FAILED, now)
                continue
            t = data.catalogs.get(her.locale)
            office = data.settings.office
            pdf = build_certificate(
                t,
                CertificateFacts(
                    office=office.name,
                    municipality=office.municipality,
                    name=certificate.name or her.name or "",
                    course=course.title,
                    minutes=certificate.minutes,
                    first_day=certificate.first_day,
                    last_day=certificate.last_day,
                    issued_on=certificate.issued_at.astimezone(data.settings.timezone).date(),
                    number=certificate.id,
                ),
            )
            try:
                await data.notifier.bot.send_document(
                    her.id,
                    document=InputFile(
                        io.BytesIO(pdf), filename=f"certificado-{certificate.id}.pdf"
                    ),
                    caption=views.certificate_caption(t, course.title),
                )
            except Forbidden:
                await users.set_active(session, her.id, False)
                await school.mark_certificate(session, certificate.id, DeliveryStatus.BLOCKED, now)
                continue
            except BadRequest as exc:
                log.warning("certificate %s refused: %s", certificate.id, exc)
                await school.mark_certificate(session, certificate.id, DeliveryStatus.FAILED, now)
                continue
            except TelegramError as exc:
                log.warning("certificate %s not sent yet: %s", certificate.id, exc)
                return
            await school.mark_certificate(session, certificate.id, DeliveryStatus.SENT, now)
