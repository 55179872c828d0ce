"""The typed callback-data codecs keep the wire format and refuse what they cannot parse."""

from __future__ import annotations

import importlib
from datetime import datetime

import pytest

from bot.activities import callbacks as activities
from bot.aid import callbacks as aid
from bot.appointments import callbacks as appointments
from bot.appointments.callbacks import AgendaAction, AgendaButton
from bot.broadcasts import callbacks as broadcasts
from bot.cases import callbacks as cases
from bot.cases.callbacks import CaseAction, CaseButton
from bot.core import callbacks
from bot.core.callbacks import Button
from bot.db.models import BusinessKind, ProposalKind
from bot.enterprise import callbacks as enterprise
from bot.network import callbacks as network
from bot.people import callbacks as people
from bot.privacy import callbacks as privacy

STAMP = "202701051500"

# One or more samples of every kind of every codec, with the data it is on the wire.
SAMPLES: dict[str, Button] = {
    "x": callbacks.QuickExit(),
    "m": callbacks.MenuButton(),
    "off": people.OfficeContacts(),
    "c:y:es": people.ConsentButton(people.ConsentChoice.YES, "es"),
    "c:n:en:act_12": people.ConsentButton(people.ConsentChoice.NO, "en", "act_12"),
    "r:name": people.UseTelegramName(),
    "r:age:30_59": people.AgeGroupButton("30_59"),
    "rc:pick:3": people.CommunityChoice(callbacks.ChoiceAction.PICK, 3),
    "rc:page:0": people.CommunityChoice(callbacks.ChoiceAction.PAGE, 0),
    "rc:other": people.CommunityChoice(callbacks.ChoiceAction.OTHER),
    "id:p:undisclosed": people.PeopleButton("undisclosed"),
    "id:l:2": people.LanguageButton("2"),
    "id:l:spanish": people.LanguageButton("spanish"),
    "id:d:yes": people.DisabilityButton("yes"),
    "id:skip": people.SkipIdentity(),
    "id:edit": people.EditIdentity(),
    "id:del": people.DeleteIdentity(),
    "net": network.ShowNetwork(),
    "net:join": network.JoinNetwork(),
    "net:org:none": network.NoOrganization(),
    "net:role:member": network.NetworkRole("member"),
    "net:leave": network.LeaveNetwork(),
    "net:leave:y": network.LeaveNetwork("y"),
    "nc:pick:0": network.NetworkCommunity(callbacks.ChoiceAction.PICK, 0),
    "nc:mine": network.MyCommunity(),
    "og": network.OrganizationsToJoin(),
    "og:j:4": network.OrgButton(network.OrgAction.JOIN, 4),
    "og:L:4": network.OrgButton(network.OrgAction.LEAVE_CONFIRMED, 4),
    "ol": network.LeaderHome(),
    "ol:m:4": network.LeaderButton(network.LeaderAction.MENU, 4),
    "ol:ok:4:123456": network.LeaderButton(network.LeaderAction.ACCEPT, 4, "123456"),
    f"ol:ws:9:5_{STAMP}": network.LeaderButton(network.LeaderAction.SIGN_UP, 9, f"5_{STAMP}"),
    "olw": network.LeaderWomen(),
    "oln:start": network.NewWoman(),
    "oln:pick:4": network.NewWomanCommunity(callbacks.ChoiceAction.PICK, 4),
    "oln:other": network.NewWomanCommunity(callbacks.ChoiceAction.OTHER),
    "oln:age:30_59": network.NewWomanAge("30_59"),
    "oln:p:maya": network.NewWomanPeople("maya"),
    "oln:l:spanish": network.NewWomanLanguage("spanish"),
    "oln:l:2": network.NewWomanLanguage("2"),
    "oln:ok": network.NewWomanAgreed(),
    "jn:y:ABCD2345": network.JoinRecord("y", "ABCD2345"),
    "jn:n:ABCD2345": network.JoinRecord("n", "ABCD2345"),
    "so:k:4:cooperative": network.StaffOrgButton(network.StaffOrgAction.KIND, 4, "cooperative"),
    "so:lead:4:123456": network.StaffOrgButton(network.StaffOrgAction.LEADER, 4, "123456"),
    "sla:ok:3": network.AnnouncementDecision("ok", 3),
    "sla:no:3": network.AnnouncementDecision("no", 3),
    "lang:pick": privacy.PickLanguage(),
    "lang:pick:act_3_202701051500": privacy.PickLanguage("act_3_202701051500"),
    "lang:en": privacy.LanguageChoice("en"),
    "lang:es:act_3": privacy.LanguageChoice("es", "act_3"),
    "me": privacy.MyData(),
    "me:del": privacy.DeleteMyData(),
    "me:del:y": privacy.DeleteMyData("y"),
    "n:new": cases.NewReport(),
    "n:cat:food": cases.CategoryButton("food"),
    "n:safe:y": cases.SafeToTalk("y"),
    "n:alert": cases.AlertOffice(),
    "n:send": cases.ReportCompose(cases.ComposeAction.SEND),
    "n:cancel": cases.ReportCompose(cases.ComposeAction.CANCEL),
    "mc": cases.MyCases(),
    "mc:v:12": cases.ViewCase(12),
    "mc:add:12": cases.AddToCase(12),
    "mca:send": cases.AdditionCompose(cases.ComposeAction.SEND),
    "rd:99": cases.ReadReply(99),
    "s:take:12": CaseButton(CaseAction.TAKE, 12),
    "s:out:12:referred": CaseButton(CaseAction.OUTCOME, 12, "referred"),
    "ap": appointments.BookingServices(),
    "ap:my": appointments.MyAppointments(),
    "ap:v:7": appointments.ViewAppointment(7),
    "ap:x:7": appointments.CancelAppointment(7),
    "ap:xy:7": appointments.ConfirmCancel(7),
    "ap:cb:legal": appointments.CallMeBack("legal"),
    "ap:vi:legal": appointments.VisitMe("legal"),
    "ap:s:legal": appointments.ServiceDays("legal"),
    "ap:d:legal:20270105": appointments.ServiceDay("legal", "20270105"),
    "ap:t:legal:202701050930": appointments.ServiceTime("legal", "202701050930"),
    "ap:ok:legal:202701050930": appointments.ServiceBook("legal", "202701050930"),
    "ap:rs:7": appointments.MoveDays(7),
    "ap:rd:7:20270105": appointments.MoveDay(7, "20270105"),
    "ap:rt:7:202701050930": appointments.MoveTime(7, "202701050930"),
    "ap:rok:7:202701050930": appointments.MoveBook(7, "202701050930"),
    "apr:yes:7": appointments.ReminderButton(appointments.ReminderAction.COMING, 7),
    "apr:chg:7": appointments.ReminderButton(appointments.ReminderAction.CHANGE, 7),
    "sa:to:7:29000000": AgendaButton(AgendaAction.MOVE_TO, 7, "29000000"),
    "sa:why:7:2": AgendaButton(AgendaAction.CANCEL_WHY, 7, "2"),
    "ac": activities.ActivityList(),
    "ac:k:all": activities.KindFilter("all"),
    "ac:k:fair:2": activities.KindFilter("fair", 2),
    f"ac:v:5:{STAMP}": activities.ViewDate(5, STAMP),
    f"ac:go:5:{STAMP}": activities.WillCome(5, STAMP),
    f"ac:no:5:{STAMP}": activities.CannotCome(5, STAMP),
    "ac:mine": activities.MyActivities(),
    "ac:subs": activities.Subscriptions(),
    "ac:sub:training": activities.ToggleSubscription("training"),
    "sx:d:4:kind:fair": activities.DraftButton(4, activities.DraftStep.KIND, "fair"),
    "sx:d:4:ok": activities.DraftButton(4, activities.DraftStep.CREATE),
    "sx:qr:5": activities.PosterQr(5),
    "sx:at:40:0": activities.ToggleAttended(40, 0),
    f"sx:card:5:{STAMP}": activities.OpenCard(5, STAMP),
    f"sx:bk:5:{STAMP}": activities.BackToCard(5, STAMP),
    f"sx:att:5:{STAMP}": activities.Attendance(5, STAMP),
    f"sx:att:5:{STAMP}:1": activities.Attendance(5, STAMP, 1),
    f"sx:ed:5:{STAMP}": activities.EditMenu(5, STAMP),
    f"sx:ef:5:{STAMP}:desc": activities.EditFieldButton(5, STAMP, activities.EditField.DESCRIPTION),
    f"sx:es:5:{STAMP}:when:one": activities.StartEdit(
        5, STAMP, activities.EditField.WHEN, activities.Scope.ONE
    ),
    f"sx:cx:5:{STAMP}": activities.CancelMenu(5, STAMP),
    f"sx:cq:5:{STAMP}:all": activities.CancelQuestion(5, STAMP, activities.Scope.ALL),
    f"sx:cy:5:{STAMP}:one": activities.CancelDates(5, STAMP, activities.Scope.ONE),
    "pc:h": activities.ClubHome(),
    "pc:due": activities.ChooseDue(),
    "pc:m:203102": activities.DueMonth("203102"),
    "pc:pm": activities.PregnancyMonths(),
    "pc:p:7": activities.PregnancyMonth("7"),
    "pc:dis:y": activities.Discreet("y"),
    "pc:inv:off": activities.ClubInvitations(activities.OnOff.OFF),
    "pc:rm:y": activities.RemoveDueDate("y"),
    "pc:rd:12": activities.ReadInvitation(12),
    f"scl:due:5:{STAMP}": activities.ClubDueDates(5, STAMP),
    "bc:stop": broadcasts.AnnouncementsButton(broadcasts.Announcements.STOP),
    "bc:start": broadcasts.AnnouncementsButton(broadcasts.Announcements.START),
    "sb:noop": broadcasts.PreviewNoop(),
    f"sb:act:5:{STAMP}": broadcasts.AnnounceActivity(5, STAMP),
    "sb:ls": broadcasts.ListBroadcasts(),
    "sb:cl:3": broadcasts.CancelBroadcast(3),
    "sb:cly:3": broadcasts.ConfirmCancelBroadcast(3),
    "sb:skip:8": broadcasts.SkipPhoto(8),
    "sb:aud:8": broadcasts.AudienceMenu(8),
    "sb:ak:8:everyone": broadcasts.AudienceKind(8, "everyone"),
    "sb:c:8:0": broadcasts.ToggleCommunity(8, 0),
    "sb:cp:8:1": broadcasts.CommunityPage(8, 1),
    "sb:t:8:fair": broadcasts.ToggleType(8, "fair"),
    "sb:ok:8": broadcasts.DoneChoosing(8),
    f"sb:ad:8:5:{STAMP}": broadcasts.ActivityDate(8, 5, STAMP),
    f"sb:ao:8:5:{STAMP}": broadcasts.ActivityDateOnly(8, 5, STAMP),
    f"sb:aa:8:5:{STAMP}": broadcasts.ActivityEveryDate(8, 5, STAMP),
    "sb:send:8": broadcasts.SendNow(8),
    "sb:sch:8": broadcasts.Schedule(8),
    "sb:txt:8": broadcasts.ChangeText(8),
    "sb:x:8": broadcasts.DiscardDraft(8),
    "ad:c:12": aid.ChooseItem(12),
    "ad:x:12": aid.CancelAid(12),
    "ad:i:12:0": aid.ChooseSize(12, 0),
    "ad:q:12:0:5000": aid.RecordAid(12, 0, 5000),
    "ad:F:12:1:2": aid.RecordAidAnyway(12, 1, 2),
    "ad:go:6": aid.ConfirmDraft(6),
    "ad:no:6": aid.DropDraft(6),
    "cqd:anon:4:y": network.AnonymousChoice(4, "y"),
    "cqd:aud:4:netc": network.ChooseAudience(4, network.AudienceChoice.NETWORK_IN),
    "cqd:aud:4:menu": network.ChooseAudience(4, network.AudienceChoice.MENU),
    "cqd:c:4:2": network.ToggleCommunity(4, 2),
    "cqd:cp:4:1": network.CommunityPage(4, 1),
    "cqd:ok:4": network.DoneChoosing(4),
    "cqd:send:4": network.SendConsultation(4),
    "cqd:x:4": network.DiscardConsultation(4),
    "cqc:v:9": network.ShowCard(9),
    "cqc:l:1": network.ConsultationsPage(1),
    "cqc:close:9": network.CloseConsultation(9),
    "cqc:closey:9": network.ConfirmClose(9),
    "cqc:keep:9": network.KeepOpen(9),
    "cv:o:9": network.OpenConsultation(9),
    "cv:a:9:2": network.AnswerButton(9, 2),
    "cv:b:9": network.OnBehalf(9),
    "cv:ba:9:0": network.AnswerOnBehalf(9, 0),
    "cv:bu:9": network.UndoOnBehalf(9),
    "cvl": network.ConsultationList(),
    "ppl": network.ProposalsHome(),
    "ppl:c": network.ProposalsListed(network.ProposalList.COMMUNITY),
    "ppl:m": network.ProposalsListed(network.ProposalList.MINE),
    "ppl:c:2": network.ProposalsListed(network.ProposalList.COMMUNITY, 2),
    "ppn:go": network.StartProposal(),
    "ppn:mine": network.ProposalForMyCommunity(),
    "ppn:c:3": network.ProposalCommunity(3),
    "ppn:pg:1": network.ProposalCommunityPage(1),
    "ppn:k:social": network.ProposalKindChoice(ProposalKind.SOCIAL),
    "ppn:send": network.SendProposal(),
    "pp:v:11": network.ViewProposal(11),
    "pp:s:11": network.SupportProposal(11),
    "sp:v:11": network.StaffViewProposal(11),
    "sp:m:11:presented": network.MoveProposal(11, "presented"),
    "sp:n:11": network.NotIncluded(11),
    "sp:l:1": network.StaffProposalsPage(1),
    "en": enterprise.EnterpriseHome(),
    "fa": enterprise.FairList(),
    "fa:v:7:202612011500": enterprise.ViewFair(7, "202612011500"),
    "fa:ap:7:202612011500": enterprise.ApplyToFair(7, "202612011500"),
    "fa:np": enterprise.NoPhoto(),
    "fa:n:2": enterprise.StandsChoice(2),
    "fa:ok": enterprise.SendApplication(),
    "fa:w:5": enterprise.WithdrawQuestion(5),
    "fa:wy:5": enterprise.Withdraw(5),
    "bd": enterprise.DirectoryHome(),
    "bd:b": enterprise.BrowseCommunities(),
    "bd:b:1": enterprise.BrowseCommunities(1),
    "bd:c:2": enterprise.BrowseCommunity(2),
    "bd:k:2:food": enterprise.BrowseKind(2, "food"),
    "bd:k:2:all:1": enterprise.BrowseKind(2, "all", 1),
    "bd:e:2:all:3": enterprise.ViewEntry(2, "all", 3),
    "bd:j": enterprise.JoinDirectory(),
    "bd:jm": enterprise.JoinMyCommunity(),
    "bd:jc:4": enterprise.JoinCommunity(4),
    "bd:jp:1": enterprise.JoinCommunityPage(1),
    "bd:jk:textiles": enterprise.JoinKind(BusinessKind.TEXTILES),
    "bd:js": enterprise.SaveListing(),
    "bd:l": enterprise.LeaveQuestion(),
    "bd:ly": enterprise.LeaveDirectory(),
    "sc": enterprise.SchoolHome(),
    "sc:v:3": enterprise.ViewCourse(3),
    "sc:e:3": enterprise.Enrol(3),
    "sc:l:3": enterprise.LeaveCourseQuestion(3),
    "sc:ly:3": enterprise.LeaveCourse(3),
    "sc:cert": enterprise.MyCertificates(),
    "sf:l": enterprise.StaffFairs(),
    "sf:f:7:202612011500": enterprise.StaffFair(7, "202612011500"),
    "sf:q:7:202612011500": enterprise.PendingCards(7, "202612011500"),
    "sf:x:7:202612011500": enterprise.ExportExhibitors(7, "202612011500"),
    "sf:a:5": enterprise.Accept(5),
    "sf:d:5": enterprise.Decline(5),
    "sf:s:5": enterprise.AssignStand(5),
    "sf:p:5": enterprise.ShowPhoto(5),
    "ss:d:4:t:2": enterprise.CourseDraftButton(4, enterprise.CourseStep.TOGGLE, 2),
    "ss:d:4:ok": enterprise.CourseDraftButton(4, enterprise.CourseStep.DATES_DONE),
    "ss:l:0": enterprise.StaffCourses(0),
    "ss:v:3": enterprise.CourseCard(3),
    "ss:w:3": enterprise.CourseWomen(3),
    "ss:i:3": enterprise.IssueCertificates(3),
    "ss:c:3": enterprise.CourseCertificates(3),
}


def _load_every_codec() -> None:
    for domain in set(callbacks.PREFIXES.values()) - {"core"}:
        importlib.import_module(f"bot.{domain}.callbacks")


def test_every_prefix_has_exactly_one_codec_in_its_owners_module() -> None:
    _load_every_codec()
    assert set(callbacks.CODECS) == set(callbacks.PREFIXES)
    for prefix, codec in callbacks.CODECS.items():
        assert codec.prefix == prefix
        owner = callbacks.PREFIXES[prefix]
        module = "bot.core.callbacks" if owner == "core" else f"bot.{owner}.callbacks"
        assert {kind.__module__ for kind in codec.kinds} <= {module, "bot.core.callbacks"}, prefix
    with pytest.raises(ValueError):
        callbacks.Codec(callbacks.QuickExit)  # a second codec for "x"


def test_every_kind_of_every_codec_has_a_sample() -> None:
    _load_every_codec()
    sampled = {type(b) for b in SAMPLES.values()}
    kinds = {k for codec in callbacks.CODECS.values() for k in codec.kinds}
    assert kinds == sampled


@pytest.mark.parametrize("data", list(SAMPLES))
def test_buttons_keep_their_wire_format_and_read_back(data: str) -> None:
    button = SAMPLES[data]
    assert button.encode() == data
    assert type(button).decode(data) == button
    codec = callbacks.CODECS[button.PREFIX]
    assert codec.decode(data) == button
    # Each sample is read by its own kind only.
    others = [k for k in codec.kinds if k is not type(button)]
    assert all(k.decode(data) is None for k in others), data


def _garbled(data: str) -> list[str]:
    """Data that is not a button of ours, made from one that is."""
    parts = data.split(":")
    bad = [data + ":1", data + ":", "zz" + data, data.replace(":", "::", 1)]
    for i in range(1, len(parts)):
        for junk in ("abc", "-1", "1" * 20, "", "²"):
            if junk != parts[i]:
                bad.append(":".join([*parts[:i], junk, *parts[i + 1 :]]))
    if len(parts) > 1:
        bad.append(":".join(parts[:-1]))
    return bad


@pytest.mark.parametrize("data", list(SAMPLES))
def test_garbled_data_is_refused(data: str) -> None:
    codec = callbacks.CODECS[SAMPLES[data].PREFIX]
    for bad in _garbled(data):
        press = codec.decode(bad)
        # A few garbles are still good data of another kind (an optional part left off,
        # "cancel" for "send"): then it reads back to exactly that data.
        assert press is None or press.encode() == bad, (data, bad)


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        ":",
        "x:",
        "m:1",
        "nope",
        "s",
        "s:take",
        "s:take:",
        "s:take:abc",
        "s:take:-1",
        "s:take:0",
        "s:take:2147483648",
        "s:take:12345678901234567890",
        "s:take:1:out:2",
        "sa:ok:1",
    ],
)
def test_case_buttons_refuse_what_they_cannot_parse(data: str | None) -> None:
    assert CaseButton.decode(data) is None
    assert cases.CASES.decode(data) is None


def test_record_buttons_keep_actions_this_version_does_not_know() -> None:
    # Answered "no longer active", not as forged.
    assert CaseButton.decode("s:zzz:3") == CaseButton("zzz", 3)
    assert AgendaButton.decode("sa:att:99") == AgendaButton(AgendaAction.ATTENDED, 99)


def test_closed_sets_and_ranges_are_checked() -> None:
    assert people.CONSENT.decode("c:y:fr") is None
    assert people.CONSENT.decode("c:maybe:es") is None
    # A link not shaped like ours is dropped, not refused: she still agrees.
    forged_link = people.CONSENT.decode("c:y:es:<b>no</b>")
    assert forged_link is not None and forged_link.carried_link is None
    assert privacy.LANGUAGE.decode("lang:pick:a-b") == privacy.PickLanguage("a-b")
    assert privacy.PickLanguage("act_1").carried_link == "act_1"
    assert people.REGISTRATION.decode("r:age:99") is None
    assert people.IDENTITY.decode("id:l:01") is None
    assert appointments.BOOKING.decode("ap:d:legal:20271305") is None
    assert appointments.BOOKING.decode("ap:t:legal:2027010509") is None
    assert activities.HER_ACTIVITIES.decode("ac:k:party") is None
    assert activities.HER_ACTIVITIES.decode("ac:v:5:202713051500") is None
    assert activities.STAFF_ACTIVITIES.decode(f"sx:es:5:{STAMP}:when:some") is None
    assert broadcasts.STAFF_BROADCASTS.decode("sb:ak:8:nobody") is None
    assert aid.AID.decode("ad:q:12:0:0") is None
    assert people.COMMUNITY.decode("rc:pick") is None
    assert people.COMMUNITY.decode("rc:other:1") is None
    assert network.CONSULTATION_DRAFTS.decode("cqd:anon:4:maybe") is None
    assert network.NEW_PROPOSAL.decode("ppn:k:party") is None
    assert network.STAFF_PROPOSALS.decode("sp:m:11:received") is None
    assert network.PROPOSALS.decode("ppl:x") is None


def test_dates_and_times_read_as_the_office_wrote_them() -> None:
    assert appointments.ServiceDay("legal", "20270105").local_day.isoformat() == "2027-01-05"
    assert appointments.MoveBook(7, "202701050930").local_time == datetime(2027, 1, 5, 9, 30)
    assert activities.ViewDate(5, STAMP).key.isoformat() == "2027-01-05T15:00:00+00:00"


def test_patterns_come_from_the_codecs() -> None:
    _load_every_codec()
    expected = {
        "x": r"^x$",
        "m": r"^m$",
        "off": r"^off$",
        "ap": r"^ap(:|$)",
        "ac": r"^ac(:|$)",
        "mc": r"^mc(:|$)",
        "me": r"^me(:|$)",
        "net": r"^net(:|$)",
        "cvl": r"^cvl$",
        "ppl": r"^ppl(:|$)",
        "og": r"^og(:|$)",
        "ol": r"^ol(:|$)",
        "olw": r"^olw$",
        "en": r"^en$",
        "fa": r"^fa(:|$)",
        "bd": r"^bd(:|$)",
        "sc": r"^sc(:|$)",
    }
    for prefix, codec in callbacks.CODECS.items():
        assert codec.pattern() == expected.get(prefix, rf"^{prefix}:"), prefix


def test_refusals_name_what_was_forged() -> None:
    assert appointments.BOOKING.refusal("ap:v:-1") == "appointment_id"
    assert appointments.BOOKING.refusal("ap:zzz") is None
    assert activities.STAFF_ACTIVITIES.refusal("sx:at:-1:0") == "signup_id"
    assert activities.STAFF_ACTIVITIES.refusal("sx:d:-1:kind:fair") == "draft_id"
    assert activities.STAFF_ACTIVITIES.refusal("sx:zzz") == "activity_button"
    assert broadcasts.STAFF_BROADCASTS.refusal("sb:ak:-1:everyone") == "draft_id"


def test_the_prefix_table_is_the_only_way_in() -> None:
    with pytest.raises(KeyError):
        callbacks.pattern("nope")
    with pytest.raises(KeyError):
        callbacks.encode("nope", 1)
    with pytest.raises(ValueError):
        CaseButton(CaseAction.OUTCOME, 1, "x" * 64).encode()
    assert callbacks.pattern("s") == r"^s:"
    assert callbacks.pattern("ap", bare=True) == r"^ap(:|$)"
    assert callbacks.pattern("m", only_bare=True) == r"^m$"
