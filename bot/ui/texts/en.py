"""English: every text the bot sends. Same keys as `bot.ui.texts.id` (a test checks it)."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    # -- welcome and menu --------------------------------------------------------------------------------
    "welcome": (
        "<b>LaporGub! — Kota Pekalongan</b>\n"
        "The Central Java Provincial Government's complaint channel, for the citizens of Kota Pekalongan.\n\n"
        "• <b>Free</b> of charge.\n"
        "• Target: handled within <b>2 working days</b>.\n\n"
        "<b>How your complaint travels:</b>\n"
        "1. The Central Java province admin receives it and dispositions it to Dinkominfo Kota Pekalongan.\n"
        "2. Dinkominfo verifies it and forwards it to the responsible city agency (OPD).\n"
        "3. The agency follows it up.\n"
        "4. Dinkominfo confirms the result and the province verifies it.\n"
        "5. You receive the follow-up report.\n\n"
        "Please choose:"
    ),
    "menu.prompt": "Please choose:",
    "btn.menu.new": "📝 File a complaint",
    "btn.menu.mine": "📋 My complaints",
    "btn.menu.track": "🔎 Track a number",
    "btn.menu.service": "📣 Service complaint",
    "btn.menu.contacts": "☎️ Contacts",
    "btn.menu.language": "🌐 Bahasa / Language",
    "help": (
        "<b>Commands</b>\n"
        "/start — main menu\n"
        "/new — file a complaint\n"
        "/my — my complaints\n"
        "/track — track a complaint number\n"
        "/link — link a complaint an officer recorded for you: "
        "/link &lt;number&gt; &lt;last 4 phone digits&gt;\n"
        "/contacts — Dinkominfo contacts\n"
        "/datasaya — the personal data we hold about you; ask to erase it\n"
        "/language — change language\n"
        "/cancel — cancel what you are doing"
    ),
    # -- command menu (descriptions shown by Telegram's / button) ---------------------------------------
    "cmd.start": "Main menu",
    "cmd.new": "File a complaint",
    "cmd.my": "My complaints",
    "cmd.track": "Track a complaint number",
    "cmd.contacts": "Dinkominfo contacts",
    "cmd.language": "Bahasa / Change language",
    "cmd.cancel": "Cancel what you are doing",
    "cmd.help": "Help",
    # the admin's own menu (a per-chat list, set when they open the admin menu)
    "cmd.queue": "Your organisation's queue",
    "cmd.rekap": "Report for a period: chart, XLSX, CSV",
    "cmd.record": "Record a complaint from phone, email, counter",
    "cmd.invite": "Invite an admin of the tier below",
    "cmd.admins": "The admins of the tier below",
    # -- language ----------------------------------------------------------------------------------------
    "language.choose": "Pilih bahasa / Choose your language:",
    "language.set": "Language set to English.",
    "language.name": "English",
    # -- cancel and stale buttons ------------------------------------------------------------------------
    "cancel.done": "Cancelled. Nothing of the complaint was kept.",
    "cancel.nothing": "There is nothing to cancel.",
    "button.expired": "This button is no longer valid.",
    "session.expired": "This session has ended. Start again with /new.",
    "busy.filing": "You are filing a complaint. Continue with the step above, or type /cancel to stop.",
    # -- filing: identity --------------------------------------------------------------------------------
    "identity.saved": (
        "Your saved identity:\n"
        "Name: {name}\nNIK: {nik}\nPhone: {phone}\nAddress: {address}\n\n"
        "Use this identity for the new complaint?"
    ),
    "btn.identity.use": "✅ Use it",
    "btn.identity.update": "✏️ Update it",
    "filing.intro": "Let's file a complaint. I'll ask one thing at a time. Type /cancel at any time to stop.",
    "ask.full_name": "<b>Step {step}/{total}</b> — Your <b>full name</b> as on your ID card (KTP):",
    "ask.nik": "<b>Step {step}/{total}</b> — Your <b>NIK</b> (the 16-digit number on your KTP):",
    "ask.phone": (
        "<b>Step {step}/{total}</b> — A <b>phone number</b> we can reach you at. Press the button below to "
        "share your Telegram number, or type it:"
    ),
    "ask.address": "<b>Step {step}/{total}</b> — Your home <b>address</b>:",
    "ask.subject": (
        "<b>Step {step}/{total}</b> — A short <b>subject</b> for the complaint (at most {limit} characters):"
    ),
    "ask.chronology": (
        "<b>Step {step}/{total}</b> — The <b>chronology</b>: what happened, who was involved, since when "
        "(at most {limit} characters):"
    ),
    "ask.event_date": (
        "<b>Step {step}/{total}</b> — The <b>date</b> it happened? Press Today or Yesterday, or type the "
        "date, for example 20 November 2026 or 20-11-2026."
    ),
    "ask.event_place": "<b>Step {step}/{total}</b> — <b>Where</b> did it happen? (street, kelurahan)",
    "ask.location": (
        "<b>Step {step}/{total}</b> — Share the <b>location</b> if you can (optional). "
        "Press the location button, or Skip."
    ),
    "ask.attachments": (
        "<b>Step {step}/{total}</b> — Send supporting <b>photos or documents</b> (optional, at most "
        "{max} files, "
        "each at most {size_mb} MB). Press Done when finished, or Skip."
    ),
    "ask.confidential": (
        "<b>Step {step}/{total}</b> — Keep your identity confidential?\n"
        "If yes, your name, NIK, phone and address are not shown to the agency admins who follow it up."
    ),
    "ack.saved": "✔️ Saved.",
    "btn.share_contact": "📱 Share my number",
    "btn.share_location": "📍 Share location",
    "btn.skip": "Skip",
    "btn.attachments.done": "✅ Done",
    "btn.attachments.skip": "Skip",
    "btn.yes_confidential": "🔒 Yes, keep it confidential",
    "btn.no_confidential": "No",
    # -- filing: validation ------------------------------------------------------------------------------
    "bad.full_name": "A name needs {min}–{max} characters. Type your full name:",
    "bad.nik.not_16_digits": "A NIK has exactly 16 digits. Check your KTP and type the NIK again:",
    "bad.nik.unknown_region": (
        "The region code of this NIK (its first 6 digits) does not exist. Check your KTP and type it again:"
    ),
    "bad.nik.impossible_birth_date": (
        "The birth date inside this NIK (digits 7 to 12) is impossible. Check it and type the NIK again:"
    ),
    "bad.nik.zero_serial": (
        "The serial number of a NIK (its last 4 digits) cannot be 0000. Type the NIK again:"
    ),
    "bad.phone": (
        "That is not a valid phone number. Type an Indonesian number such as 0812 3456 7890 or "
        "+62 812 3456 7890, or press the button to share yours:"
    ),
    "bad.contact_not_own": (
        "That is someone else's contact. Share your own number with the button below, or type it:"
    ),
    "bad.address": "An address needs {min}–{max} characters. Type your address:",
    "bad.subject": "A subject needs 1–{max} characters (yours has {length}). Type a shorter subject:",
    "bad.chronology": (
        "A chronology needs 1–{max} characters (yours has {length}). Shorten it and send it again:"
    ),
    "bad.event_date.format": (
        "I could not read that date. Type it like 20 November 2026, Nov 20, 2026, 20-11-2026 or yesterday:"
    ),
    "bad.event_date.future": "The date cannot be in the future (today is {today}). Type the date:",
    "bad.event_place": "A place needs {min}–{max} characters. Type where it happened:",
    "hint.text_expected": "I am waiting for a text answer. Please type it, or /cancel to stop.",
    "hint.unknown_command": (
        "That command does not apply here. Answer the question above, or /cancel to stop."
    ),
    "hint.phone_expected": "Share your number with the button below, or type your phone number.",
    "hint.location_expected": "Press 📍 to share the location, or Skip.",
    "hint.attachment_expected": (
        "Send a photo or a document, or press Done/Skip. (Stickers, voice notes and videos are not accepted.)"
    ),
    "hint.use_buttons": "Please choose with the buttons above, or /cancel to stop.",
    "attachment.added": "File {count}/{max} received. Send more, or press Done.",
    "attachment.full": "File {count}/{max} received. That is the maximum — press Done.",
    "attachment.too_many": (
        "At most {max} files per complaint; this one was not kept. Press Done to continue."
    ),
    "attachment.too_big": (
        "That file is too large ({size_mb} MB). The limit is {limit_mb} MB per file; it was not kept."
    ),
    "attachment.unknown_size": "The size of that file is unknown, so it cannot be accepted.",
    # -- filing: summary and submit ----------------------------------------------------------------------
    "summary.title": "<b>Check your complaint before sending it</b>",
    "summary.footer": "All correct? Press <b>📨 Send complaint</b>. To change an answer, press ✏️ Edit.",
    "label.full_name": "Name",
    "label.nik": "NIK",
    "label.phone": "Phone",
    "label.address": "Address",
    "label.subject": "Subject",
    "label.chronology": "Chronology",
    "label.event_date": "Date",
    "label.event_place": "Place",
    "label.location": "Location",
    "label.attachments": "Attachments",
    "label.confidential": "Identity confidential",
    "value.none": "—",
    "value.yes": "Yes",
    "value.no": "No",
    "value.location": "{lat}, {lon}",
    "value.attachments": "{photos} photo(s), {documents} document(s)",
    "shortened": "… [shortened: {hidden} more characters are stored in full]",
    "btn.edit": "✏️ {label}",
    "btn.submit": "📨 Send complaint",
    "btn.cancel": "✖️ Cancel",
    "submitted": (
        "✅ <b>Your complaint has been sent.</b>\n\n"
        "Tracking number: <code>{number}</code>\n"
        "Target date: <b>{deadline}</b> (2 working days).\n\n"
        "Keep this number to track your complaint under My complaints or with /track."
    ),
    # -- my complaints and tracking ----------------------------------------------------------------------
    "mine.empty": "You have not filed any complaint yet. Choose /new to file one.",
    "mine.title": "<b>Your complaints</b> (newest first):",
    "mine.item": "<code>{number}</code> — {subject}\n   <i>{state}</i>",
    "btn.complaint": "{number}",
    "track.ask": "Send your complaint number, for example LG-2026-000001",
    "track.not_found": (
        "That number was not found among your complaints. Check it, or open My complaints.\n"
        "Did an officer record it for you (by phone, email or at the counter)? Link it first: "
        "/link &lt;complaint number&gt; &lt;last 4 digits of your phone&gt;"
    ),
    "detail": (
        "<b>Complaint {number}</b>\n"
        "Subject: {subject}\n"
        "Status: <b>{state}</b>\n"
        "Received: {received}\n"
        "Target date: {deadline}\n"
        "Date of events: {event_date}\n"
        "Place: {place}\n"
        "Identity confidential: {confidential}\n\n"
        "<b>Chronology</b>\n{chronology}"
    ),
    "detail.result": "\n\n<b>Follow-up result</b>\n{result}",
    "detail.history": "\n\n<b>History</b>\n{lines}",
    "history.line": "{at} — {what}",
    # -- states, in a reporter's words -------------------------------------------------------------------
    "state.laporgub.draft": "Draft",
    "state.laporgub.at_province": "Received, waiting for the Central Java province to disposition it",
    "state.laporgub.at_city": "Being verified by the city's Dinkominfo",
    "state.laporgub.at_opd": "Forwarded to the responsible agency (OPD)",
    "state.laporgub.in_follow_up": "Being followed up",
    "state.laporgub.result_at_city": "Follow-up result being checked",
    "state.laporgub.result_at_province": "Follow-up result being verified by the province",
    "state.laporgub.resolved": "Done — the result has been sent to you",
    "state.laporgub.closed": "Closed",
    "state.laporgub.rejected": "Cannot be handled through LaporGub",
    "state.service.draft": "Draft",
    "state.service.recorded": "Recorded by an officer",
    "state.service.responded": "Answered by an officer",
    "state.service.solved": "Solved",
    "state.service.escalated": "With the complaints official",
    "state.service.resolved": "Solved",
    # -- history, in a reporter's words ------------------------------------------------------------------
    "event.laporgub.submit": "Complaint received",
    "event.laporgub.dispose": "Dispositioned to {org}",
    "event.laporgub.reject": "Cannot be handled through LaporGub: {reason}",
    "event.laporgub.forward": "Forwarded to {org}",
    "event.laporgub.return_to_province": "Being re-routed to the right office",
    "event.laporgub.accept": "Accepted by the agency; follow-up started",
    "event.laporgub.return_to_city": "Being re-routed to the right office",
    "event.laporgub.submit_result": "Follow-up result submitted for checking",
    "event.laporgub.confirm_result": "Result confirmed by Dinkominfo",
    "event.laporgub.request_revision": "Follow-up being completed",
    "event.laporgub.approve": "Result verified and sent to you",
    "event.laporgub.return_result": "Follow-up result being completed",
    "event.laporgub.acknowledge": "You confirmed the result; complaint closed",
    "event.laporgub.auto_close": "Closed automatically",
    "event.service.record": "Complaint recorded",
    "event.service.respond": "Answered by an officer",
    "event.service.confirm_solved": "Marked as solved",
    "event.service.not_solved": "Not solved yet; passed to the complaints official",
    "event.service.escalate": "Passed to the complaints official",
    "event.service.resolve": "Solved by the complaints official",
    "event.service.auto_close": "Closed automatically: taken as solved",
    "event.other": "Status updated",
    "org.unknown": "the responsible office",
    # -- dates -------------------------------------------------------------------------------------------
    "date.long": "{weekday}, {day} {month} {year}",
    "date.short": "{day} {month} {year}",
    "datetime.short": "{day} {month} {year} {hour}:{minute} WIB",
    "month.1": "January",
    "month.2": "February",
    "month.3": "March",
    "month.4": "April",
    "month.5": "May",
    "month.6": "June",
    "month.7": "July",
    "month.8": "August",
    "month.9": "September",
    "month.10": "October",
    "month.11": "November",
    "month.12": "December",
    "weekday.0": "Monday",
    "weekday.1": "Tuesday",
    "weekday.2": "Wednesday",
    "weekday.3": "Thursday",
    "weekday.4": "Friday",
    "weekday.5": "Saturday",
    "weekday.6": "Sunday",
    # -- admin: the complaint card -----------------------------------------------------------------------
    "admin.card.title": "📋 <b>{number}</b> · {state}",
    "admin.card.deadline": "<b>Deadline</b>: {day}",
    "admin.card.deadline_due": "<b>Deadline</b>: {day} — {due}",
    "admin.due.left": "{days} working days left",
    "admin.due.today": "due today",
    "admin.due.overdue": "⚠️ overdue by {days} working days",
    "admin.card.subject": "<b>Subject</b>: {subject}",
    "admin.card.event": "<b>Event</b>: {date}, {place}",
    "admin.card.location": "<b>Location</b>: {location}",
    "admin.card.location_link": '<a href="{url}">{lat}, {lon}</a>',
    "admin.card.attachments": "<b>Attachments</b>: {photos} photos, {documents} documents",
    "admin.card.result_attachments": "<b>Result attachments</b>: {photos} photos, {documents} documents",
    "admin.card.reporter": "<b>Reporter</b>: {name} · NIK {nik} · phone {phone} · {address}",
    "admin.card.reporter_hidden": "<b>Reporter</b>: 🔒 identity confidential",
    "admin.card.reporter_erased": "<b>Reporter</b>: identity erased (UU 27/2022)",
    "admin.card.confidential_note": "🔒 The reporter asked to keep their identity from the agency (OPD).",
    "admin.card.chronology": "<b>Chronology</b>\n{chronology}",
    "admin.card.result": "<b>Follow-up result</b>\n{result}",
    "admin.card.done": "✅ <b>{what}</b> — {name}, {at}",
    "admin.btn.files": "📎 Show attachments ({count})",
    "admin.channel.telegram": "Telegram",
    "admin.channel.telephone": "Telephone",
    "admin.channel.email": "Email",
    "admin.channel.website": "Website",
    "admin.channel.twitter": "Twitter",
    "admin.channel.instagram": "Instagram",
    "admin.channel.direct": "In person",
    # -- admin: states, in an admin's words --------------------------------------------------------------
    "admin.state.laporgub.draft": "Draft",
    "admin.state.laporgub.at_province": "Waiting for the province's disposition",
    "admin.state.laporgub.at_city": "At Dinkominfo, jurisdiction to be verified",
    "admin.state.laporgub.at_opd": "At the agency (OPD), duties to be verified",
    "admin.state.laporgub.in_follow_up": "Being followed up by the agency",
    "admin.state.laporgub.result_at_city": "Result waiting for Dinkominfo's confirmation",
    "admin.state.laporgub.result_at_province": "Result waiting for the province's verification",
    "admin.state.laporgub.resolved": "Result sent to the reporter, waiting for their confirmation",
    "admin.state.laporgub.closed": "Closed",
    "admin.state.laporgub.rejected": "Rejected: not a LaporGub matter",
    "admin.state.service.draft": "Draft",
    "admin.state.service.recorded": "Recorded, waiting for an officer's response",
    "admin.state.service.responded": "Responded, waiting for the complainant's confirmation",
    "admin.state.service.solved": "Solved",
    "admin.state.service.escalated": "With the complaints official",
    "admin.state.service.resolved": "Resolved by the complaints official",
    # -- admin: actions (buttons, and what was done) -----------------------------------------------------
    "admin.btn.dispose": "📤 Dispose to a city/regency",
    "admin.btn.reject": "⛔ Reject (not a LaporGub matter)",
    "admin.btn.forward": "📤 Forward to an agency (OPD)",
    "admin.btn.return_to_province": "↩️ Return to the province",
    "admin.btn.accept": "✅ Accept and follow up",
    "admin.btn.return_to_city": "↩️ Return to Dinkominfo",
    "admin.btn.submit_result": "📝 Submit the follow-up result",
    "admin.btn.confirm_result": "✅ Confirm the result",
    "admin.btn.request_revision": "🔁 Ask the agency to revise",
    "admin.btn.approve": "✅ Approve, send to the reporter",
    "admin.btn.return_result": "↩️ Return the result to Dinkominfo",
    "admin.btn.acknowledge": "✅ The reporter has received the result",
    "admin.btn.respond": "💬 Respond",
    "admin.btn.confirm_solved": "✅ Mark as solved",
    "admin.btn.not_solved": "❌ Not solved",
    "admin.btn.escalate": "⬆️ Escalate to the complaints official",
    "admin.btn.resolve": "✅ Resolve",
    "admin.did.dispose": "Disposed to {org}",
    "admin.did.reject": "Rejected: not a LaporGub matter",
    "admin.did.forward": "Forwarded to {org}",
    "admin.did.return_to_province": "Returned to the province",
    "admin.did.accept": "Accepted for follow-up",
    "admin.did.return_to_city": "Returned to Dinkominfo",
    "admin.did.submit_result": "Follow-up result submitted",
    "admin.did.confirm_result": "Result confirmed",
    "admin.did.request_revision": "Revision requested from the agency",
    "admin.did.approve": "Result approved and sent to the reporter",
    "admin.did.return_result": "Result returned to Dinkominfo",
    "admin.did.acknowledge": "Closed: the reporter has received the result",
    "admin.did.respond": "Responded",
    "admin.did.confirm_solved": "Marked as solved",
    "admin.did.not_solved": "Marked as not solved",
    "admin.did.escalate": "Escalated to the complaints official",
    "admin.did.resolve": "Resolved",
    "admin.did.auto_close": "Closed automatically: the reporter did not answer in time",
    "admin.did.other": "Status updated",
    # -- admin: menu and queue ---------------------------------------------------------------------------
    "admin.menu": (
        "🏛 <b>{role}</b> — {org}\n"
        "Welcome, {name}.\n\n"
        "Complaints waiting in your organisation's queue: <b>{count}</b>"
    ),
    "admin.role.province": "Province admin (PemProv Jateng)",
    "admin.role.city": "Dinkominfo admin",
    "admin.role.opd": "Agency (OPD) admin",
    "admin.role.officer": "Complaints officer",
    "admin.role.official": "Complaints official",
    "admin.btn.queue": "📥 Queue ({count})",
    "admin.btn.reporter_menu": "📝 Reporter menu (my own complaints)",
    "admin.btn.admin_menu": "🏛 Back to the admin menu",
    "admin.reporter_menu": (
        "📝 <b>Reporter menu</b>\nHere you file and track complaints of your own, like any citizen."
    ),
    "admin.help": (
        "<b>Admin commands</b>\n"
        "/start — admin menu\n"
        "/antrian or /queue — your organisation's queue\n"
        "/rekap — report for a period (chart, XLSX, CSV)\n"
        "/cancel — cancel the reason or result you are writing\n"
        "/language — change language\n\n"
        "Open a complaint from the queue; the buttons on its card are the steps you may take now."
    ),
    "admin.only": "This command is for registered LaporGub admins only. Type /start for the main menu.",
    "admin.busy": "You are writing a reason or a follow-up result. Carry on, or type /cancel.",
    "admin.queue.title": (
        "📥 <b>{org} queue</b>\n{total} complaints, page {page}/{pages} — nearest deadline first."
    ),
    "admin.queue.empty": "📥 <b>{org} queue</b>\nNothing is waiting.",
    "admin.queue.item": "{index}. <code>{number}</code> — {subject}\n    {due}",
    "admin.btn.open": "{index}. {number}",
    "admin.btn.prev": "◀️ Previous",
    "admin.btn.next": "Next ▶️",
    "admin.files.none": "This complaint has no attachments.",
    "admin.files.caption": "📎 {number} — complaint attachments",
    "admin.files.result_caption": "📎 {number} — follow-up result attachments",
    # -- admin: pickers, reasons and results -------------------------------------------------------------
    "admin.pick.none": "There is no active organisation to send it to.",
    "admin.btn.page_prev": "◀️ {page}/{pages}",
    "admin.btn.page_next": "{page}/{pages} ▶️",
    "admin.btn.back": "↩️ Back",
    "admin.ask.reason": (
        "✍️ <b>{action}</b> — <code>{number}</code>\n"
        "Write the reason in one message (at most {max} characters). "
        "The next organisation will see it."
    ),
    "admin.ask.result": (
        "📝 <b>{action}</b> — <code>{number}</code>\n"
        "Write the follow-up result in one message (at most {max} characters). "
        "Then you can attach up to {files} photos or documents."
    ),
    "admin.ask.result_files": (
        "📎 Send up to {max} supporting photos or documents, then press Done. No attachments? Press Done now."
    ),
    "admin.result.file_added": "File {count}/{max} received. Send another, or press Done.",
    "admin.result.files_full": "{max} files, the maximum. Press Done.",
    "admin.result.file_refused": "This file cannot be accepted (its size is unknown or over {limit_mb} MB).",
    "admin.bad.too_long": "Too long ({length} characters; at most {max}). Shorten it and send it again:",
    "admin.hint.text": "Please write the answer as text, or press Cancel.",
    "admin.hint.files": "Send a photo or a document, or press Done.",
    "admin.hint.buttons": "Press Send to apply it, or Cancel.",
    "admin.confirm.reason": (
        "Check before sending:\n<b>{action}</b> — <code>{number}</code>\n<b>Reason</b>: {reason}"
    ),
    "admin.confirm.result": (
        "Check before sending:\n<b>{action}</b> — <code>{number}</code>\n"
        "<b>Result</b>: {result}\n<b>Attachments</b>: {photos} photos, {documents} documents"
    ),
    "admin.btn.confirm": "✅ Send",
    "admin.btn.abort": "✖️ Cancel",
    "admin.btn.done": "✅ Done",
    "admin.aborted": "Cancelled. The complaint is unchanged.",
    "admin.toast.done": "✅ {what}",
    # -- admin: refused presses (toasts, at most 200 characters) -----------------------------------------
    "admin.refused.stale_by": "Already handled by {name}: {what} ({at}). Nothing was changed.",
    "admin.refused.stale": (
        "This complaint has changed since this card was shown. Nothing was changed; open the queue for its "
        "current state."
    ),
    "admin.refused.not_permitted": "This complaint is not in your organisation's queue. Nothing was changed.",
    "admin.refused.not_admin": "This button is for the responsible admins only. Nothing was changed.",
    "admin.refused.invalid_target": (
        "That destination cannot be chosen for this complaint. Nothing was changed."
    ),
    "admin.refused.forged": "This button is not recognised. Nothing was changed.",
    # -- notifications (rendered by the outbox sender when it delivers) ----------------------------------
    "notify.card_title": "📋 <b>{number}</b> — {subject}",
    "notify.handled": "☑️ Handled by <b>{name}</b> at {at}: {what}",
    "notify.handled_reason": "\n<i>Reason</i>: {reason}",
    "notify.done": "✅ <b>{number}</b> — {subject}\n{what}. The next party has been notified.",
    "notify.reporter.submit": (
        "📥 Your complaint <b>{number}</b> ({subject}) has been received by the Central Java "
        "province admin.\n"
        "It was recorded for you by our officer. Target date: <b>{deadline}</b> (2 working days).\n"
        "Follow it with /track {number}"
    ),
    "notify.reporter.forward": (
        "🏢 Your complaint <b>{number}</b> ({subject}) has been forwarded to <b>{org}</b>, "
        "the agency responsible for it."
    ),
    "notify.reporter.accept": (
        "🔧 Your complaint <b>{number}</b> ({subject}) is being followed up by <b>{org}</b>."
    ),
    "notify.reporter.reject": (
        "❌ Your complaint <b>{number}</b> ({subject}) cannot be handled through LaporGub.\n"
        "<b>Reason</b>: {reason}\n\nOther ways to reach us: /contacts"
    ),
    "notify.reporter.approve": (
        "📬 <b>Follow-up result of your complaint {number}</b>\n<b>Subject</b>: {subject}\n\n{result}"
    ),
    "notify.reporter.approve_files": "\n\n📎 The result's attachments are above.",
    "notify.reporter.approve_ask": (
        "\n\nPlease confirm that you received it, and rate how it was handled (1 = poor, 5 = very good)."
    ),
    "notify.reporter.approve_closed": "\n\nThis complaint is closed.",
    "notify.reporter.files_caption": "📎 Follow-up result of {number}",
    "notify.reporter.auto_close": (
        "🔒 Your complaint <b>{number}</b> ({subject}) has been closed: we did not hear from you after "
        "the result was sent. Thank you."
    ),
    "notify.reporter.record": (
        "📥 Your complaint about our service, <b>{number}</b> ({subject}), has been recorded by an officer."
    ),
    "notify.reporter.respond": (
        "💬 An officer has answered your complaint about our service, <b>{number}</b>:\n\n{result}"
    ),
    "notify.reporter.resolve": (
        "✅ The complaints official has resolved your complaint about our service, <b>{number}</b>:\n\n"
        "{result}"
    ),
    "notify.reporter.other": "ℹ️ Your complaint <b>{number}</b> has a new status: {state}",
    "notify.unreachable": (
        "⚠️ <b>Reporter unreachable</b> — {number}\n"
        "{name} (phone {phone}) has blocked this bot, so {what} of complaint <b>{number}</b> ({subject}) "
        "could not be delivered.\nPlease deliver it another way, for example by telephone."
    ),
    "notify.missed.approve": "the follow-up result",
    "notify.missed.reject": "the rejection and its reason",
    "notify.missed.respond": "the officer's answer",
    "notify.missed.resolve": "the complaints official's answer",
    "notify.missed.other": "an update",
    "btn.result.received": "✅ I have received it",
    "btn.result.rate": "{stars}",
    "btn.result.skip": "Skip",
    "result.comment.ask": (
        "🙏 Thank you for your rating ({stars}); it is saved and complaint <b>{number}</b> is closed.\n"
        "Would you like to add a comment? Type it now, or press Skip."
    ),
    "result.comment.text_only": "Please type your comment as text, or press Skip.",
    "result.comment.too_long": "Please keep the comment under {max} characters.",
    "result.thanks": (
        "🙏 Thank you. Complaint <b>{number}</b> is closed.\n"
        "How was it handled? Rate it (1 = poor, 5 = very good):"
    ),
    "result.thanks_rated": "🙏 Thank you for your rating ({stars}). Complaint <b>{number}</b> is closed.",
    "result.rated_toast": "{stars}",
    "result.stale": "This complaint is already closed; nothing was changed.",
    "result.foreign": "This button is not for you.",
    # -- errors ------------------------------------------------------------------------------------------
    "error.unexpected": "Sorry, something went wrong on our side. Please try again in a moment.",
    "error.not_found": "What you asked for was not found.",
    "error.stale": "This complaint just changed. Please open it again to see its latest status.",
    "error.workflow": "This action is not possible in the complaint's current status.",
    "error.not_ready": (
        "The service is not ready to take complaints yet. Please contact Dinkominfo: /contacts"
    ),
    "error.private_only": (
        "To protect your personal data, please file complaints in a private chat with this bot."
    ),
    # -- channels/onboarding -----------------------------------------------------------------------------
    "invite.welcome": "Welcome! You are now <b>{role}</b> of {org}. Send /start for your menu.",
    "invite.already": "You already are <b>{role}</b> of {org}; this invite was not used. Send /start.",
    "invite.expired": "This invite has expired (invites last 48 hours). Ask for a new one.",
    "invite.used": "This invite has already been used or does not exist. Ask for a new one.",
    "invite.not_allowed": "Only province and Dinkominfo admins can invite or manage the admins below them.",
    "invite.choose": "Whom do you want to invite?",
    "invite.btn": "{role} — {org}",
    "invite.link": (
        "Invite for <b>{role}</b> of {org}. Send this link to that person; it works once, until {expires}:\n"
        "{link}"
    ),
    "seats.title": "<b>Admins below you</b>",
    "seats.row": "• {name} — {role}, {org}",
    "seats.none": "There are no active admins below you.",
    "seats.btn.deactivate": "Deactivate {name}",
    "seats.deactivated": "{name} is deactivated; their buttons stop working now.",
    "link.usage": "Send: /link &lt;tracking number&gt; &lt;last 4 digits of the phone number on it&gt;",
    "link.refused": "That tracking number and those digits do not match a complaint you can link.",
    "link.too_many": "Too many attempts. Please try again after {at}.",
    "link.done": "Complaint <b>{number}</b> ({subject}) is now linked: you will receive its updates here.",
    "relay.task": "📞 <b>Tell {name}</b> at <b>{contact}</b> via {channel} (complaint {number}):",
    "relay.result": "The follow-up result of your complaint {number}:\n{result}",
    "relay.follows": (
        "🔗 Complaint {number} was merged into the earlier complaint {earlier} about the same problem: "
        "this is news of {earlier}, for the complainant of {number}."
    ),
    "relay.btn.delivered": "✅ Delivered",
    "relay.thanks": "Marked as delivered.",
    "relay.closed": "Delivered; the complaint is closed.",
    "relay.not_yours": "This message is for another office's officers.",
    # -- officer/service ---------------------------------------------------------------------------------
    "officer.btn.record": "📝 Record a complaint from another channel",
    "officer.not_officer": "Only complaints officers can record a complaint on a citizen's behalf.",
    "officer.kind.ask": "What are you recording?",
    "officer.btn.kind.laporgub": "LaporGub (goes through the LaporGub workflow)",
    "officer.btn.kind.service": "A complaint about Dinkominfo's service",
    "officer.channel.ask": "Which channel did it come through?",
    "officer.btn.system": "🔗 {system}",
    "officer.external.ask": "Type the complaint's number in {system}:",
    "officer.bad.external": "A reference number has {min}–{max} characters. Type it again:",
    "officer.contact.ask": (
        "How is the complainant reached? Type a phone number, an email address or an @handle (for "
        "Twitter/Instagram).\nThey are not on Telegram: every message for them comes to you as a task to "
        "pass on."
    ),
    "officer.bad.contact": "That is not a valid phone number, email address or @handle. Type it again:",
    "officer.bad.handle": (
        "An @handle only for complaints from Twitter or Instagram. Type a phone number or email:"
    ),
    "officer.recorded": (
        "✅ Complaint recorded: <b>{number}</b> ({channel}).\n"
        "Complainant: {name}, {contact}. Messages for them come to you as tasks to pass on.\n"
        "They can link it to Telegram with /link {number} and the last 4 digits of their phone number."
    ),
    "officer.answer_for": (
        "☎️ Pass this response on to the complainant, then record their answer: solved or not."
    ),
    "service.intro": (
        "<b>A complaint about Dinkominfo's service</b>\n"
        "Tell us what was unsatisfactory about our service. An officer will respond; if that does not solve "
        "it, the complaints official will. /cancel stops."
    ),
    "service.submitted": (
        "✅ Your service complaint is recorded as <b>{number}</b> at {office}. "
        "The officer's response will reach you here."
    ),
    "service.unavailable": "Sorry, service complaints cannot be taken in the bot yet. Contact us: /kontak",
    "service.answer.ask": "\n\nIs your problem solved?",
    "service.btn.solved": "✅ Solved",
    "service.btn.not_solved": "❌ Not solved",
    "service.not_solved.ask": (
        "What is still not solved? Write it briefly (at most {max} characters); your complaint goes to the "
        "complaints official."
    ),
    "service.not_solved.bad": "Write, as text of 1–{max} characters, what is still not solved:",
    "service.solved": "Thank you. Complaint <b>{number}</b> is marked as solved.",
    "service.escalated": (
        "Complaint <b>{number}</b> has gone to the complaints official. Their resolution will reach you here."
    ),
    "service.answer.stale": "This complaint no longer waits for your answer.",
    "service.auto_close": (
        "🔒 Your complaint about our service, <b>{number}</b> ({subject}), has been closed and taken as "
        "solved: we did not hear back from you after the officer's answer. Thank you."
    ),
    "service.answer.busy": "Finish or cancel (/cancel) the complaint you are filing first.",
    "contacts.title": "<b>{office}</b>\n{address}",
    "contacts.intro": "Complaints about our service can be made through:",
    "contacts.phones": "☎️ Telephone: {phones}",
    "contacts.email": "✉️ Email: {value}",
    "contacts.website": "🌐 Website: {value}",
    "contacts.twitter": "🐦 Twitter: {value}",
    "contacts.instagram": "📷 Instagram: {value}",
    "contacts.official": "👤 Complaints official: {official}, mobile {phone}",
    "contacts.counter": "Or come to an officer at our office (address above).",
    "contacts.in_bot": "Or in this bot: the 📣 menu entry for complaints about the service.",
    # -- reminders ---------------------------------------------------------------------------------------
    "reminder.stage_half": (
        "⏳ Complaint <b>{number}</b> ({subject}): half of this stage's time is used.\n"
        "Stage: {stage}\nDue: {due}"
    ),
    "reminder.stage_due_today": (
        "⏰ Complaint <b>{number}</b> ({subject}) is due today.\nStage: {stage}\nDue: {due}"
    ),
    "reminder.stage_overdue": (
        "🚨 Complaint <b>{number}</b> ({subject}) is overdue at {org}.\nStage: {stage}\nDue: {due}"
    ),
    "reminder.draft_reminder": (
        "📝 Your complaint is not finished. Carry on here, or /cancel to drop it.\n"
        "If it is left, the draft is deleted on {discard}."
    ),
    "reminder.draft_discarded": (
        "🗑 The complaint you left half-filed has been deleted after a long time without changes. "
        "Start again from the menu if you still need to."
    ),
    "reminder.service_answer_reminder": (
        "⏳ The officer's answer to your complaint about our service, <b>{number}</b> ({subject}), is "
        "still waiting for your reply. Without one, the complaint is taken as solved and closed on {close}."
    ),
    # -- reports (/rekap) --------------------------------------------------------------------------------
    "report.ask": "📊 A report for which period?",
    "report.btn.this_month": "This month",
    "report.btn.last_month": "Last month",
    "report.btn.this_year": "This year",
    "report.btn.xlsx": "📥 XLSX",
    "report.btn.csv": "📥 CSV",
    "report.not_allowed": "Reports are for the province's, Dinkominfo's and the agencies' admins only.",
    "report.btn.custom": "📅 Another range",
    "report.range.ask": (
        "📅 Type a date range, for example <code>01-12-2026 to 15-12-2026</code>, "
        "or one date for that one day. At most {max} days, ending today ({today}) at the latest. "
        "Type /cancel to stop."
    ),
    "report.range.bad.format": (
        "That range was not recognised. Write dates as DD-MM-YYYY, for example "
        "<code>01-12-2026 to 15-12-2026</code> or <code>24-12-2026</code>. Type it again, or /cancel."
    ),
    "report.range.bad.no_such_date": (
        "The date {typed} is not on the calendar. Check its day and month and type it again, or /cancel."
    ),
    "report.range.bad.reversed": (
        "The first date ({first}) is after the last ({last}). Write the earlier date first, or /cancel."
    ),
    "report.range.bad.future": "The range cannot go past today ({today}). Type it again, or /cancel.",
    "report.range.bad.too_early": "Reports start on {earliest}. Type it again, or /cancel.",
    "report.range.bad.too_long": (
        "A range of {days} days is too long; at most {max} days. Type it again, or /cancel."
    ),
    "report.range.cancelled": "Report cancelled.",
    "report.preparing": "⏳ Preparing the {fmt} file… It will be sent here as soon as it is ready.",
    "report.already_preparing": (
        "⏳ The {fmt} file for this period is still being prepared. "
        "It will be sent here as soon as it is ready."
    ),
    "report.export_failed": "Sorry, the {fmt} file could not be made. Please try again in a moment.",
    "admin.btn.report": "📊 Report",
    # -- citizens: ratings, milestones, timeline, dates, the summary ---------------------------------------
    "result.comment.saved": "📝 Your comment is saved with your rating. Thank you.",
    "result.comment.skipped": "Your rating is saved.",
    "result.already_rated": "This complaint is already rated; nothing was changed.",
    "notify.reporter.dispose": (
        "🏛️ Your complaint <b>{number}</b> ({subject}) has been passed by the Central Java provincial "
        "government to <b>{org}</b>, which will forward it to the agency that handles it."
    ),
    "notify.reporter.dispose_moved": (
        "🔀 Your complaint <b>{number}</b> ({subject}) has been moved to <b>{org}</b>, which is responsible "
        "for the area where it happened. You do not need to file it again."
    ),
    "notify.reporter.forward_moved": (
        "🔀 Your complaint <b>{number}</b> ({subject}) has been moved to <b>{org}</b>, as this matter is "
        "theirs to handle. You do not need to file it again."
    ),
    "notify.reporter.submit_result": (
        "🔍 The follow-up result of your complaint <b>{number}</b> ({subject}) has been submitted and is "
        "being checked by Dinkominfo and the provincial government. It will be sent to you once verified."
    ),
    "notify.reporter.acknowledge": (
        "🔒 Your complaint <b>{number}</b> ({subject}) is closed: our officer recorded that you received the "
        "result. Thank you."
    ),
    "notify.reporter.overdue": (
        "⏰ We are sorry: your complaint <b>{number}</b> ({subject}) was not finished by its target date, "
        "{deadline}.\nIt is with <b>{org}</b>; they and their supervisors have been reminded to act on it "
        "without delay. We will tell you at the next step. Follow it with /track {number}"
    ),
    "event.laporgub.dispose_moved": "Moved to {org}",
    "event.laporgub.forward_moved": "Moved to {org}",
    "detail.overdue": "\n⏰ Past its target date. We apologise for the delay; it is still being followed up.",
    "btn.date.today": "📅 Today",
    "btn.date.yesterday": "📅 Yesterday",
    "btn.summary.edit": "✏️ Edit",
    "btn.summary.back": "⬅️ Back",
    # -- admin chats: cards --
    "admin.btn.open_card": "📋 Open the card",
    "admin.prompt.other": (
        "This button belongs to an earlier prompt, finished or cancelled. Nothing was changed."
    ),
    "admin.card.latest_reason": "↩️ <b>{what}</b> — {org}, {at}\n<i>Reason</i>: {reason}",
    "admin.card.received_via": "<b>Received</b>: {at} · {channel}",
    "admin.card.chronology_cut": "… [+{hidden} characters: 📄 Whole chronology]",
    "admin.btn.chronology": "📄 Whole chronology",
    "admin.btn.history": "🕘 Earlier reasons ({count})",
    "admin.history.title": "🕘 <b>History of {number}</b>",
    "admin.history.line": "• {at} — {who}: {what}",
    "admin.history.reason": "  <i>Reason</i>: {reason}",
    "admin.chronology.title": "📄 <b>Chronology of {number}</b> ({part}/{parts})",
    "admin.did.submit": "Complaint filed",
    "admin.btn.invite": "✉️ Invite an admin",
    "admin.btn.admins": "👥 Admins below me",
    # -- admin routing: pickers ---------------------------------------------------------------------------
    "admin.pick.ask.dispose": "❓ Dispose to {org}?",
    "admin.pick.ask.forward": "❓ Forward to {org}?",
    "admin.pick.asked": "{question} Press ✅ to send it, or pick another.",
    "admin.pick.suggested": "💡 Suggested targets (you still choose):",
    "admin.pick.why.history": "• {went} of {alike} similar complaints → {org}",
    "admin.pick.why.words": "• keywords «{words}» → {org}",
    "admin.pick.why.both": "• {went} of {alike} similar complaints, keywords «{words}» → {org}",
    "admin.pick.why.alike": "• similar complaints → {org}",
    "admin.pick.why.returned": " (returned {count}×)",
    "admin.pick.why.province": "Province (return)",
    "admin.pick.province_matter": "↩️ If this is a provincial matter, press «{button}» and write the reason.",
    "admin.btn.send_to": "✅ Yes, {org}",
    "admin.btn.more": "🔎 More…",
    "admin.pick.all": "All targets ({page}/{pages}). Type a few letters to narrow them.",
    "admin.pick.matches": "{count} targets match «{typed}». Pick one on the card above.",
    "admin.pick.no_match": "No target matches «{typed}». Type other letters, or pick from the list.",
    "admin.pick.matches_more": (
        "{count} targets match «{typed}»; the first {shown} are on the card above. "
        "Type more letters to narrow."
    ),
    "admin.pick.closed": (
        "The list of targets is closed: that complaint has moved on. Open its card again from /queue."
    ),
    "admin.pick.type_hint": "🔎 Pick below, or type a few letters of the name to narrow the list.",
    # -- officer's desk (issue 18) -----------------------------------------------------------------------
    "admin.refused.wrong_role": (
        "This step is not your role's to take on this complaint. Nothing was changed."
    ),
    "admin.refused.complainant_answers": (
        "The complainant is in the bot and answers themselves; officers answer only for those the bot "
        "cannot reach. Nothing was changed."
    ),
    "officer.channel.after_reference": (
        "Reference noted: {system} {number}. By which channel did this complaint reach you?"
    ),
    "relay.how.telephone": "☎️ Call and read out the message below, or send it by WhatsApp/SMS to {contact}.",
    "relay.how.email": "✉️ Email the message below to {contact}.",
    "relay.how.twitter": "🐦 Send the message below by Twitter direct message to {contact}.",
    "relay.how.instagram": "📷 Send the message below by Instagram direct message to {contact}.",
    "relay.how.direct": "🏢 Tell them at the counter when they come; read out the message below.",
    "relay.files.email": "📎 Attach the result's photos/documents above to that email.",
    "relay.files.other": (
        "📎 Pass on the result's photos/documents above too (WhatsApp/DM), or show them at the counter."
    ),
    "relay.files_caption": "📎 For {name} — result of {number}. Pass on with the task below.",
    "relay.link": (
        "If you use Telegram, get this complaint's news and answer it in this bot: send /link {number} "
        "{digits} (the last 4 digits of your phone number)."
    ),
    "event.laporgub.submit.by_officer": "Recorded for you by an officer and received",
    "event.laporgub.acknowledge.by_officer": (
        "An officer confirmed on your behalf that the result was passed on to you; complaint closed"
    ),
    "event.service.record.by_officer": "Complaint recorded for you by an officer",
    "event.service.confirm_solved.by_officer": "An officer confirmed on your behalf: solved",
    "event.service.not_solved.by_officer": (
        "An officer recorded on your behalf: not solved; passed to the complaints official"
    ),
    "officer.ask.full_name": (
        "<b>{step}/{total}</b> — <b>Complainant's name</b> (as on their ID card). /cancel stops the "
        "recording."
    ),
    "officer.ask.nik": "<b>{step}/{total}</b> — <b>Complainant's NIK</b> (16 digits):",
    "officer.ask.phone": (
        "<b>{step}/{total}</b> — <b>Complainant's phone number</b> (to link the complaint to Telegram later):"
    ),
    "officer.ask.address": "<b>{step}/{total}</b> — <b>Complainant's address</b>:",
    "officer.ask.subject": (
        "<b>{step}/{total}</b> — Complaint <b>subject</b>, short (at most {limit} characters):"
    ),
    "officer.ask.chronology": (
        "<b>{step}/{total}</b> — The <b>chronology</b> as the complainant told it (at most {limit} "
        "characters):"
    ),
    "officer.ask.event_date": "<b>{step}/{total}</b> — <b>Date of the events</b>? For example 20-11-2026.",
    "officer.ask.event_place": "<b>{step}/{total}</b> — <b>Place of the events</b> (street, village):",
    "officer.ask.attachments": (
        "<b>{step}/{total}</b> — <b>Photos or documents</b> from the complainant (optional, at most {max}, "
        "each ≤ {size_mb} MB). Done, or Skip."
    ),
    "officer.ask.confidential": (
        "<b>{step}/{total}</b> — Does the complainant ask to <b>keep their identity</b> from the agency "
        "admin?"
    ),
    "officer.label.full_name": "Complainant",
    "officer.label.nik": "Complainant's NIK",
    "officer.label.phone": "Complainant's phone",
    "officer.label.address": "Complainant's address",
    "service.ask.subject": (
        "<b>Step {step}/{total}</b> — <b>Which service</b> is your complaint about? (short, at most {limit} "
        "characters)"
    ),
    "service.ask.chronology": (
        "<b>Step {step}/{total}</b> — <b>What went wrong</b> with that service? (at most {limit} characters)"
    ),
    "service.ask.event_date": (
        "<b>Step {step}/{total}</b> — <b>When</b> did it happen? For example 20-11-2026."
    ),
    "service.ask.event_place": (
        "<b>Step {step}/{total}</b> — <b>Where</b>? (office, counter, website, phone or social media account)"
    ),
    "service.label.subject": "Service",
    "service.label.chronology": "What went wrong",
    "service.label.event_date": "When",
    "service.label.event_place": "Where",
    "officer.service.ask.subject": (
        "<b>{step}/{total}</b> — <b>Which service</b> is it about? (short, at most {limit} characters)"
    ),
    "officer.service.ask.chronology": (
        "<b>{step}/{total}</b> — <b>What went wrong</b>, as the complainant tells it? (at most {limit} "
        "characters)"
    ),
    "officer.service.ask.event_date": (
        "<b>{step}/{total}</b> — <b>When</b> did it happen? For example 20-11-2026."
    ),
    "officer.service.ask.event_place": (
        "<b>{step}/{total}</b> — <b>Where</b>? (office, counter, website, phone or account)"
    ),
    "admin.card.result.service": "<b>Response</b>\n{result}",
    "admin.card.result_attachments.service": "<b>Response files</b>: {photos} photos, {documents} documents",
    "admin.card.history.service": "<b>Not solved, and passed to the complaints official</b>",
    "admin.card.latest_reason.service": (
        "🗣️ <b>Not solved, and passed to the complaints official</b>\n{what} — {org}, {at}\n"
        "<i>Reason</i>: {reason}"
    ),
    "admin.card.by_complainant": "The complainant",
    "admin.card.for_complainant": "An officer for the complainant",
    "admin.ask.result.service": (
        "📝 <b>{action}</b> — <code>{number}</code>\nWrite the response to the complainant in one message "
        "(at most {max} characters). Afterwards you can attach up to {files} photos or documents."
    ),
    "link.result": "<b>Follow-up result</b>:\n{result}",
    # -- hardening: bad input --
    "bad.empty": "That answer has no visible text. Type it again:",
    "bad.phone.not_a_number": (
        "That is not a phone number. Type an Indonesian number such as 0812 3456 7890 or +62 812 3456 7890, "
        "or press the button to share yours:"
    ),
    "bad.phone.foreign": (
        "That is a foreign number. Only Indonesian numbers (+62 or 08…) are accepted, such as "
        "0812 3456 7890. Type it again:"
    ),
    "bad.phone.foreign_plus": (
        "That is a foreign number without a + sign. For a complainant abroad, type the number with + and the "
        "country code, such as +60 12 345 6789; otherwise an Indonesian number (08…). Type it again:"
    ),
    "bad.phone.too_short": "That number is too short. Check it, such as 0812 3456 7890. Type it again:",
    "bad.phone.too_long": "That number is too long. Check it, such as 0812 3456 7890. Type it again:",
    "bad.phone.not_reachable": (
        "That is a service number (toll-free, premium or similar). Type a mobile or landline number:"
    ),
    "value.phone_abroad": "{phone} (foreign number)",
    # -- personal data (/datasaya, UU 27/2022) -----------------------------------------------------------
    "cmd.datasaya": "My personal data: see it, ask to erase it",
    "data.title": "🗂 <b>Your personal data in LaporGub</b>",
    "data.none": "We hold no identity of yours: you have not filed a complaint.",
    "data.identity": "<b>Identity on file</b>\nName: {name}\nNIK: {nik}\nPhone: {phone}\nAddress: {address}",
    "data.encrypted": "🔒 Your NIK and phone number are stored encrypted.",
    "data.plain": "⚠️ On this server your NIK and phone number are not yet stored encrypted.",
    "data.erased": (
        "<b>Identity</b>: erased on {at}. We no longer hold your name, NIK, phone number or address."
    ),
    "data.complaints": "<b>Your complaints</b>: {count}",
    "data.complaints.none": "<b>Your complaints</b>: none yet",
    "data.complaint.open": "• <code>{number}</code> — in progress",
    "data.complaint.finished": "• <code>{number}</code> — finished",
    "data.complaints.more": "• … and {count} more (see /my)",
    "data.attachments": "Photos/documents you sent: {count}",
    "data.account": (
        "Telegram account: its ID and your language ({language}), so that the bot can answer you."
    ),
    "data.account.named": (
        "Telegram account: its ID, your Telegram first name ({name}) and your language ({language}), so that "
        "the bot can answer you."
    ),
    "data.retention": (
        "<b>How long it is kept</b>\nYour identity is erased automatically {days} days after your last "
        "complaint finishes. The complaints themselves are kept without your identity, as the complaint "
        "archive."
    ),
    "data.after_erasure": (
        "Your complaints stay linked to this Telegram account: you can still see them with /my, and the "
        "results "
        "of those in progress still come to this chat."
    ),
    "data.offer": (
        "You can ask for your identity to be erased now. The request is checked by an admin of {office}."
    ),
    "data.pending": (
        "⏳ Your erasure request (made {at}) is being checked by {office}. The answer will come to this chat."
    ),
    "data.refused_last": "Your previous erasure request was refused on {at}. Reason: {reason}",
    "btn.data.erase": "🗑 Ask to erase my data",
    "data.confirm": (
        "<b>Ask to erase your personal data?</b>\n\n"
        "If an admin of {office} approves:\n"
        "• your name, NIK, phone number and address are erased for good and cannot be restored;\n"
        "• your complaints are kept without your identity, as records for the offices' reports;\n"
        "{open}"
        "• to file again, you give your identity anew.\n\n"
        "The answer will come to this chat."
    ),
    "data.confirm.open": (
        "• your {count} complaint(s) in progress go on being handled and their results still come to this "
        "chat, "
        "but officers can no longer see your identity or phone you;\n"
    ),
    "btn.data.yes": "✅ Yes, ask",
    "btn.data.no": "✖️ No, keep it",
    "data.filed": (
        "📨 Your erasure request has gone to {office}. The answer will come to this chat; check any time "
        "with /datasaya."
    ),
    "data.already_pending": (
        "⏳ You already asked for erasure on {at}, and that request is still being checked. No need to ask "
        "again."
    ),
    "data.nothing_held": "We hold no identity of yours, so there is nothing to erase.",
    "data.unavailable": (
        "Sorry, the request cannot be made through the bot right now. Please contact Dinkominfo: /contacts"
    ),
    "data.kept": "All right, your data is unchanged.",
    "data.decided.erased": (
        "🗑 <b>Your personal data has been erased</b> by {office} on {at}.\n"
        "We no longer hold your name, NIK, phone number or address. Your complaints remain without your "
        "identity: you can still see them with /my, and the results of those in progress still come to this "
        "chat."
    ),
    "data.decided.refused": (
        "<b>Your erasure request was refused</b> by {office} on {at}.\nReason: {reason}\n\n"
        "Your data stays on file, protected. Questions: /contacts"
    ),
    # the handling office's card
    "admin.data.card": (
        "🗂 <b>Request to erase personal data</b> #{id}\nMade: {at}\n\n"
        "Reporter: {name}\nNIK {nik} · phone {phone}\nComplaints: {complaints}"
    ),
    "admin.data.card.none": "none",
    "admin.data.card.open": (
        "⚠️ {count} complaint(s) still in progress: once erased, officers cannot see the reporter's identity "
        "or phone them; results still reach the reporter's chat."
    ),
    "admin.data.card.explain": (
        "Erase: the reporter's name, NIK, phone number and address are erased for good (UU 27/2022); the "
        "complaints stay without identity. Refuse: write the reason, which is sent to the reporter."
    ),
    "admin.data.card.decided": "🗂 <b>Request to erase personal data</b> #{id}\nMade: {at}\n\n{done}",
    "admin.data.done.erased": "✅ <b>Reporter's data erased</b> — {name}, {at}",
    "admin.data.done.refused": "❌ <b>Refused</b> — {name}, {at}\nReason: {reason}",
    "admin.data.btn.erase": "✅ Erase data",
    "admin.data.btn.refuse": "❌ Refuse",
    "admin.data.toast.erased": "The reporter's data is erased. The reporter is told.",
    "admin.data.toast.refused": "The refusal was sent to the reporter.",
    "admin.data.toast.already.erased": "Already handled by {name} ({at}): data erased. Nothing was changed.",
    "admin.data.toast.already.refused": "Already handled by {name} ({at}): refused. Nothing was changed.",
    "admin.data.toast.not_yours": "Another office's admins check this request. Nothing was changed.",
    "admin.data.toast.gone": "This request was not found. Nothing was changed.",
    "admin.data.ask_reason": (
        "✍️ Write why erasure request #{id} is refused (at most {max} characters). The reason is sent to the "
        "reporter."
    ),
    "admin.data.confirm_reason": (
        "Refuse erasure request #{id} with the reason:\n<i>{reason}</i>\n\nSend it to the reporter?"
    ),
    "admin.data.aborted": "Cancelled. Request #{id} still awaits a decision.",
    # -- similar complaints and duplicates (issue 17) ------------------------------------------------------
    "admin.card.joined": (
        "🔗 <b>Merged into this complaint</b>: {numbers}. Their reporters hear of every step and the result."
    ),
    "admin.card.joined.more": "{numbers} and {count} more",
    "admin.similar.title": "🔁 <b>Similar complaints</b> (maybe the same problem):",
    "admin.similar.line": "• {number}: {subject} ({stage}, {age})",
    "admin.similar.age.today": "received today",
    "admin.similar.age.days": "received {days} days ago",
    "admin.similar.stage.at_province": "at the province",
    "admin.similar.stage.at_city": "at Dinkominfo",
    "admin.similar.stage.at_opd": "at the agency",
    "admin.similar.stage.in_follow_up": "agency working on it",
    "admin.similar.stage.result_at_city": "result being checked",
    "admin.similar.stage.result_at_province": "result being checked",
    "admin.similar.stage.resolved": "result sent",
    "admin.similar.stage.closed": "closed",
    "admin.card.state_following": "Merged, follows {number}",
    "admin.card.duplicate_of": (
        "🔗 <b>Merged into {number}</b> ({stage}): an earlier complaint about the same problem. This one "
        "follows its handling; its reporter gets the same news and the same result."
    ),
    "admin.btn.link": "🔗 Merge into {number}",
    "admin.link.ask": (
        "❓ <b>Merge {number} into {earlier}?</b>\n{number} is then not handled on its own: it leaves the "
        "queue and follows {earlier}. Its reporter is told and gets the same news and result. It can be "
        "separated again with a reason."
    ),
    "admin.link.ask.finished": (
        "❓ <b>Merge {number} into {earlier}?</b>\n⚠️ {earlier} is finished: its result goes to the reporter "
        "of {number} at once, who rates it on their own. This merge cannot be separated again, so merge "
        "only if that result also answers this complaint."
    ),
    "admin.btn.link_yes": "✅ Yes, merge into {earlier}",
    "admin.link.gone": (
        "That complaint is no longer among the similar ones (finished long ago or merged). Nothing changed."
    ),
    "admin.btn.unlink_duplicate": "✂️ Separate, handle on its own",
    "admin.ask.unlink": (
        "✍️ <b>Separate</b> — <code>{number}</code> from {earlier}\n"
        "Write the reason in one message (at most {max} characters), for example why the problem differs. "
        "The complaint goes back to the queue, and the reason stays in its history."
    ),
    "admin.did.link_duplicate": "Merged into an earlier complaint about the same problem",
    "admin.did.unlink_duplicate": "Separated from the similar complaint, handled on its own",
    "admin.refused.follows_earlier": (
        "This complaint is merged into an earlier one and follows its handling. Separate it first if it "
        "needs handling of its own. Nothing changed."
    ),
    "admin.refused.not_linkable": (
        "That complaint cannot be merged into (it is merged itself, rejected, or finished long ago). "
        "Nothing changed."
    ),
    "admin.refused.already_result": (
        "This complaint has already received its result, so it cannot be separated. Nothing changed."
    ),
    "notify.reporter.link_duplicate": (
        "🔗 Your complaint <b>{number}</b> ({subject}) has been merged with complaint <b>{earlier}</b>, an "
        "earlier complaint about the same problem. The problem is handled once for both. You still get the "
        "news and the result, and you rate it yourself. You do not need to report again."
    ),
    "notify.reporter.unlink_duplicate": (
        "↩️ Your complaint <b>{number}</b> ({subject}) turned out not to be the same problem as complaint "
        "<b>{earlier}</b>, so it is now handled on its own. We will tell you of the next step."
    ),
    "event.laporgub.link_duplicate": (
        "Merged with complaint {earlier} about the same problem; it follows that one's handling"
    ),
    "event.laporgub.unlink_duplicate": "Handled on its own again, no longer with complaint {earlier}",
}
