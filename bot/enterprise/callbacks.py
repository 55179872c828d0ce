"""The enterprise domain's callback data (prefixes registered in bot.core.callbacks).

`<st>` names one date of an activity as bot.activities.callbacks does (its original start
in UTC, `%Y%m%d%H%M`).

Her side: `en` the home (fairs, directory, school).
Fairs `fa`: the list · `fa:v:<activity>:<st>` one fair · `fa:ap:<activity>:<st>` apply ·
`fa:np` no photo · `fa:n:<stands>` how many stands · `fa:ok` send · `fa:w:<application>`
withdraw? · `fa:wy:<application>` withdraw.
Directory `bd`: the home · `bd:b[:<page>]` communities · `bd:c:<community>[:<page>]` kinds
in one, or `bd:k:<community>:<kind|all>[:<page>]` its businesses · `bd:e:<community>:
<kind|all>:<index>` one · `bd:j` join (or change) · `bd:jm` her community · `bd:jc:<index>`
/ `bd:jp:<page>` a community / a page of them · `bd:jk:<kind>` · `bd:js` save · `bd:l`
leave? · `bd:ly` leave. A community is its index in the office's list.
School `sc`: open courses · `sc:v:<course>` one · `sc:e:<course>` enrol · `sc:l:<course>`
leave? · `sc:ly:<course>` leave · `sc:cert` her certificates.

Staff side. Fairs `sf`: `sf:l` the coming fairs · `sf:f:<activity>:<st>` one fair ·
`sf:q:<activity>:<st>` its pending applications as cards · `sf:x:<activity>:<st>` export ·
`sf:a:<application>` accept · `sf:d:<application>` decline · `sf:s:<application>` assign
a stand (asks it as a reply) · `sf:p:<application>` her photo.
School `ss`: `ss:l:<page>` the courses · `ss:v:<course>` a course's card · `ss:w:<course>`
enrolled women and attendance · `ss:i:<course>` issue certificates · `ss:c:<course>` the
certificates; the new course's draft `ss:d:<draft>:<step>[:<value>]`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Annotated

from bot.activities.callbacks import NamesDate
from bot.core.callbacks import Button, Codec, Number, RecordId, one_of
from bot.db.models import BusinessKind

ALL = "all"
KindOrAll = Annotated[str, one_of(ALL, *BusinessKind)]


@dataclass(frozen=True)
class _OnFairDate(NamesDate):
    """A button naming one date of a fair."""


# ── Her side ────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class EnterpriseHome(Button, prefix="en"):
    pass


@dataclass(frozen=True)
class FairList(Button, prefix="fa"):
    pass


@dataclass(frozen=True)
class ViewFair(_OnFairDate, prefix="fa", action="v"):
    pass


@dataclass(frozen=True)
class ApplyToFair(_OnFairDate, prefix="fa", action="ap"):
    pass


@dataclass(frozen=True)
class NoPhoto(Button, prefix="fa", action="np"):
    pass


@dataclass(frozen=True)
class StandsChoice(Button, prefix="fa", action="n"):
    stands: Number


@dataclass(frozen=True)
class SendApplication(Button, prefix="fa", action="ok"):
    pass


@dataclass(frozen=True)
class WithdrawQuestion(Button, prefix="fa", action="w", what="fair_application"):
    application_id: RecordId


@dataclass(frozen=True)
class Withdraw(Button, prefix="fa", action="wy", what="fair_application"):
    application_id: RecordId


HerFairButton = (
    FairList
    | ViewFair
    | ApplyToFair
    | NoPhoto
    | StandsChoice
    | SendApplication
    | WithdrawQuestion
    | Withdraw
)


@dataclass(frozen=True)
class DirectoryHome(Button, prefix="bd"):
    pass


@dataclass(frozen=True)
class BrowseCommunities(Button, prefix="bd", action="b"):
    page: Number | None = None


@dataclass(frozen=True)
class BrowseCommunity(Button, prefix="bd", action="c"):
    """The kinds of business in one community."""

    community: Number


@dataclass(frozen=True)
class BrowseKind(Button, prefix="bd", action="k"):
    """The businesses of one community (of one kind, or all), a page at a time."""

    community: Number
    kind: KindOrAll
    page: Number | None = None


@dataclass(frozen=True)
class ViewEntry(Button, prefix="bd", action="e"):
    community: Number
    kind: KindOrAll
    index: Number


@dataclass(frozen=True)
class JoinDirectory(Button, prefix="bd", action="j"):
    pass


@dataclass(frozen=True)
class JoinMyCommunity(Button, prefix="bd", action="jm"):
    pass


@dataclass(frozen=True)
class JoinCommunity(Button, prefix="bd", action="jc"):
    index: Number


@dataclass(frozen=True)
class JoinCommunityPage(Button, prefix="bd", action="jp"):
    page: Number


@dataclass(frozen=True)
class JoinKind(Button, prefix="bd", action="jk"):
    kind: BusinessKind


@dataclass(frozen=True)
class SaveListing(Button, prefix="bd", action="js"):
    pass


@dataclass(frozen=True)
class LeaveQuestion(Button, prefix="bd", action="l"):
    pass


@dataclass(frozen=True)
class LeaveDirectory(Button, prefix="bd", action="ly"):
    pass


DirectoryButton = (
    DirectoryHome
    | BrowseCommunities
    | BrowseCommunity
    | BrowseKind
    | ViewEntry
    | JoinDirectory
    | JoinMyCommunity
    | JoinCommunity
    | JoinCommunityPage
    | JoinKind
    | SaveListing
    | LeaveQuestion
    | LeaveDirectory
)


@dataclass(frozen=True)
class SchoolHome(Button, prefix="sc"):
    pass


@dataclass(frozen=True)
class _OnCourse(Button, what="course_id"):
    course_id: RecordId


@dataclass(frozen=True)
class ViewCourse(_OnCourse, prefix="sc", action="v"):
    pass


@dataclass(frozen=True)
class Enrol(_OnCourse, prefix="sc", action="e"):
    pass


@dataclass(frozen=True)
class LeaveCourseQuestion(_OnCourse, prefix="sc", action="l"):
    pass


@dataclass(frozen=True)
class LeaveCourse(_OnCourse, prefix="sc", action="ly"):
    pass


@dataclass(frozen=True)
class MyCertificates(Button, prefix="sc", action="cert"):
    pass


SchoolButton = SchoolHome | ViewCourse | Enrol | LeaveCourseQuestion | LeaveCourse | MyCertificates

# ── Staff side ──────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class StaffFairs(Button, prefix="sf", action="l"):
    pass


@dataclass(frozen=True)
class StaffFair(_OnFairDate, prefix="sf", action="f", what="activity_id"):
    pass


@dataclass(frozen=True)
class PendingCards(_OnFairDate, prefix="sf", action="q", what="activity_id"):
    pass


@dataclass(frozen=True)
class ExportExhibitors(_OnFairDate, prefix="sf", action="x", what="activity_id"):
    pass


@dataclass(frozen=True)
class _OnApplication(Button, what="fair_application"):
    application_id: RecordId


@dataclass(frozen=True)
class Accept(_OnApplication, prefix="sf", action="a"):
    pass


@dataclass(frozen=True)
class Decline(_OnApplication, prefix="sf", action="d"):
    pass


@dataclass(frozen=True)
class AssignStand(_OnApplication, prefix="sf", action="s"):
    pass


@dataclass(frozen=True)
class ShowPhoto(_OnApplication, prefix="sf", action="p"):
    pass


StaffFairButton = (
    StaffFairs
    | StaffFair
    | PendingCards
    | ExportExhibitors
    | Accept
    | Decline
    | AssignStand
    | ShowPhoto
)


class CourseStep(enum.StrEnum):
    """What a button of the new course's draft answers."""

    TOGGLE = "t"  # a date, by its index in the list shown
    PAGE = "pg"
    DATES_DONE = "ok"
    CAPACITY = "cap"  # 0: no limit
    PERCENT = "pc"  # 0: the office's
    DISCARD = "x"


@dataclass(frozen=True)
class CourseDraftButton(Button, prefix="ss", action="d", what="draft_id"):
    draft_id: RecordId
    step: CourseStep
    value: Number | None = None


@dataclass(frozen=True)
class StaffCourses(Button, prefix="ss", action="l"):
    page: Number


@dataclass(frozen=True)
class _OnStaffCourse(Button, what="course_id"):
    course_id: RecordId


@dataclass(frozen=True)
class CourseCard(_OnStaffCourse, prefix="ss", action="v"):
    pass


@dataclass(frozen=True)
class CourseWomen(_OnStaffCourse, prefix="ss", action="w"):
    pass


@dataclass(frozen=True)
class IssueCertificates(_OnStaffCourse, prefix="ss", action="i"):
    pass


@dataclass(frozen=True)
class CourseCertificates(_OnStaffCourse, prefix="ss", action="c"):
    pass


StaffSchoolButton = (
    CourseDraftButton
    | StaffCourses
    | CourseCard
    | CourseWomen
    | IssueCertificates
    | CourseCertificates
)

ENTERPRISE = Codec(EnterpriseHome)
HER_FAIRS = Codec[HerFairButton](
    FairList,
    ViewFair,
    ApplyToFair,
    NoPhoto,
    StandsChoice,
    SendApplication,
    WithdrawQuestion,
    Withdraw,
    what="fair_button",
)
DIRECTORY = Codec[DirectoryButton](
    DirectoryHome,
    BrowseCommunities,
    BrowseCommunity,
    BrowseKind,
    ViewEntry,
    JoinDirectory,
    JoinMyCommunity,
    JoinCommunity,
    JoinCommunityPage,
    JoinKind,
    SaveListing,
    LeaveQuestion,
    LeaveDirectory,
    what="directory_button",
)
SCHOOL = Codec[SchoolButton](
    SchoolHome,
    ViewCourse,
    Enrol,
    LeaveCourseQuestion,
    LeaveCourse,
    MyCertificates,
    what="course_button",
)
STAFF_FAIRS = Codec[StaffFairButton](
    StaffFairs,
    StaffFair,
    PendingCards,
    ExportExhibitors,
    Accept,
    Decline,
    AssignStand,
    ShowPhoto,
    what="fair_button",
)
STAFF_SCHOOL = Codec[StaffSchoolButton](
    CourseDraftButton,
    StaffCourses,
    CourseCard,
    CourseWomen,
    IssueCertificates,
    CourseCertificates,
    what="course_button",
)
