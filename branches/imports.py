"""The registry of organisations and social pages as a spreadsheet (columns: docs/import.md).

Two layouts, told apart by the header row:
- "appendix": Appendix 1 of the report — branch, Instagram, Facebook — one row per branch;
- "full": one row per social page with the organisation's details (an organisation without
  pages has one row with empty platform and link).

Reading, row numbers, the preview and the all-or-nothing transaction are the shared
mechanism's (unionportal/spreadsheets.py); this module keeps the columns and how a name
finds its organisation. Links go through the same services as the admin (normalised, their
problems flagged).
"""

import re

from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.choices import OrganisationKind, Platform, PrimaryKind
from branches.models import Organisation, SocialPage
from branches.normalise import normalise_social_url
from branches.services import social_page_save
from unionportal import spreadsheets as sp
from unionportal.exceptions import ApplicationError, DuplicateError

APPENDIX_COLUMNS = ["branch", "instagram", "facebook"]
FULL_COLUMNS = [
    "slug", "name_ru", "name_kk", "kind", "parent", "primary_kind", "member_count", "chair", "phone", "email",
    "platform", "url", "official", "original_url", "handle", "link_kind", "problems", "link_status", "checked_at",
]
XLSX_TYPE = sp.XLSX_CONTENT_TYPE

BRANCH = sp.Column(
    "branch", gettext_lazy("branch"), required=True,
    aliases=("филиал", "организация", "наименование", "ұйым", "name", "organisation"),
)
INSTAGRAM = sp.Column("instagram", "Instagram", aliases=("инстаграм",))
FACEBOOK = sp.Column("facebook", "Facebook", aliases=("фейсбук",))
FULL = [
    sp.Column("slug", gettext_lazy("slug"), required=True),
    sp.Column("name_ru", gettext_lazy("name (Russian)")),
    sp.Column("name_kk", gettext_lazy("name (Kazakh)")),
    sp.Column("kind", gettext_lazy("kind")),
    sp.Column("parent", gettext_lazy("parent organisation")),
    sp.Column("primary_kind", gettext_lazy("type of primary organisation")),
    sp.Column("member_count", gettext_lazy("members")),
    sp.Column("chair", gettext_lazy("chair")),
    sp.Column("phone", gettext_lazy("phone")),
    sp.Column("email", gettext_lazy("e-mail")),
    sp.Column("platform", gettext_lazy("platform")),
    sp.Column("url", gettext_lazy("link"), required=True),
    sp.Column("official", gettext_lazy("official page")),
]
COUNTERS = ("organisations_created", "organisations_updated", "pages_created", "pages_unchanged")
COUNTER_LABELS = {
    "organisations_created": gettext_lazy("new organisations"),
    "organisations_updated": gettext_lazy("organisations updated"),
    "pages_created": gettext_lazy("new pages"),
    "pages_unchanged": gettext_lazy("pages already there"),
}


GENERIC_WORDS = {"профс", "район", "город", "локал", "облас", "им", "г", "кәсіп", "аудан", "қалал", "ат", "қ"}


def _name_key(name: str) -> str:
    return re.sub(r"[\W_]+", " ", name.lower().replace("ё", "е")).strip()


def _stems(name: str) -> set[str]:
    return {word[:5] for word in _name_key(name).split() if len(word) >= 2}


class _OrganisationFinder:
    """Finds an organisation by slug, by exact name, or by the words that tell it apart.

    The report writes «Областной профсоюз» and «Локальный профсоюз г.Балхаш» where the
    registry holds fuller names; the distinguishing words (Балхаш, Казыбек …) still match.
    """

    def __init__(self):
        self.organisations = list(Organisation.objects.exclude(kind=OrganisationKind.PRIMARY))

    def find(self, name: str) -> Organisation | None:
        key = _name_key(name)
        for org in self.organisations:
            if name in (org.slug, str(org.pk)) or key in (_name_key(org.name_ru), _name_key(org.name_kk)):
                return org
        if "област" in key or "облыс" in key:
            regional = [o for o in self.organisations if o.kind == OrganisationKind.REGIONAL]
            return regional[0] if len(regional) == 1 else None
        wanted = _stems(name) - GENERIC_WORDS
        if not wanted:
            return None
        found = [o for o in self.organisations if wanted <= (_stems(o.name_ru) | _stems(o.name_kk))]
        return found[0] if len(found) == 1 else None

    def add(self, org: Organisation) -> None:
        self.organisations.append(org)


CYRILLIC = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u", "f",
     "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "iu", "ia", "a", "g", "k", "n", "o", "u", "u", "h", "i"],
    strict=True,
))


def _slug_for(name: str) -> str:
    latin = "".join(CYRILLIC.get(ch, ch) for ch in name.lower())
    base = slugify(latin)[:80] or "organisation"
    slug, n = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _is_regional_name(name: str) -> bool:
    key = _name_key(name)
    return "област" in key or "облыс" in key


def _save_page(org, platform, raw, is_official=None) -> str:
    link = normalise_social_url(raw, platform)
    if SocialPage.objects.filter(organisation=org, platform=link.platform, url=link.url).exists():
        return "pages_unchanged"
    try:
        social_page_save(organisation=org, url=raw, platform=platform, is_official=is_official)
    except DuplicateError:
        return "pages_unchanged"
    return "pages_created"


def _check_link(value, platform) -> str:
    raw = sp.cell_text(value)
    if not raw:
        return ""
    try:
        normalise_social_url(raw, platform)
    except ApplicationError as exc:
        raise sp.CellError(exc.message) from None
    return raw


@sp.register
class RegistryImporter(sp.Importer):
    """Either layout: the header decides which of the two importers below reads the file."""

    name = "branches.registry"
    verbose_name = gettext_lazy("registry of organisations and pages")
    columns = [BRANCH, INSTAGRAM, FACEBOOK]
    permission = "branches.add_organisation"
    counter_labels = COUNTER_LABELS
    description = gettext_lazy("Two layouts, told by the header: the report's Appendix 1 (the columns below) or the registry's own export (slug, name_ru, kind, parent, …, url).")  # noqa: E501

    def for_header(self, header):
        keys = {sp.header_key(h) for h in header}
        if "slug" in keys and "url" in keys:
            return FullRegistryImporter(user=self.user)
        if keys & {"instagram", "facebook", "инстаграм", "фейсбук"}:
            return AppendixImporter(user=self.user)
        raise sp.SpreadsheetError(
            _("The first row must name the columns: branch, Instagram, Facebook (or the full layout's slug, name_ru, …, url)."),
            code="header",
        )


class AppendixImporter(RegistryImporter):
    """Appendix 1 of the report: a branch by name (found by slug, id, Russian or Kazakh name,
    or the words that tell it apart) and its two links; an unknown branch is created."""

    columns = [BRANCH, INSTAGRAM, FACEBOOK]
    preview_headers = [gettext_lazy("branch"), gettext_lazy("organisation in the registry"), "Instagram", "Facebook"]

    def for_header(self, header):
        return self

    def prepare(self):
        self.finder = _OrganisationFinder()
        self.regional = next((o for o in self.finder.organisations if o.kind == OrganisationKind.REGIONAL), None)

    def check_row(self, row):
        name = row.text("branch")
        if not name:
            row.problem(_("the branch is empty."))
        links = []
        for platform in (Platform.INSTAGRAM, Platform.FACEBOOK):
            raw = row.parse(platform.value, _check_link, platform)
            if raw:
                links.append((platform, raw))
        return {"name": name, "links": links}

    def save_row(self, plan, row):
        counts = dict.fromkeys(COUNTERS, 0)
        name = plan["name"]
        org = self.finder.find(name)
        if org is None:
            is_regional = _is_regional_name(name) and self.regional is None
            if not is_regional and self.regional is None:
                raise ApplicationError(_("there is no regional organisation yet; put it in the first row."))
            org = Organisation.objects.create(
                kind=OrganisationKind.REGIONAL if is_regional else OrganisationKind.BRANCH,
                parent=None if is_regional else self.regional,
                name_ru=name,
                slug=_slug_for(name),
                position=row.number - 1,
            )
            self.finder.add(org)
            counts["organisations_created"] += 1
            if is_regional:
                self.regional = org
        plan["organisation"] = org
        plan["created"] = bool(counts["organisations_created"])
        for platform, raw in plan["links"]:
            counts[_save_page(org, platform, raw)] += 1
        return counts

    def preview_row(self, plan, row):
        links = {platform: normalise_social_url(raw, platform).url for platform, raw in plan["links"]}
        org = plan.get("organisation")
        found = (org.name_ru + (" — " + _("new") if plan.get("created") else "")) if org else ""
        return [plan["name"], found, links.get(Platform.INSTAGRAM, ""), links.get(Platform.FACEBOOK, "")]


class FullRegistryImporter(RegistryImporter):
    """The full layout (what the export writes): one row per page, the organisation's
    details beside it; a parent is named by slug, id, Russian or Kazakh name."""

    columns = FULL
    preview_headers = [
        gettext_lazy("slug"), gettext_lazy("name (Russian)"), gettext_lazy("kind"), gettext_lazy("parent organisation"),
        gettext_lazy("platform"), gettext_lazy("link"),
    ]

    def for_header(self, header):
        return self

    def prepare(self):
        self.existing = sp.NameIndex(Organisation.objects.all(), label=_("organisation"))
        self.slugs = set(Organisation.objects.values_list("slug", flat=True))
        self.slugs_in_file: set[str] = set()
        self._seen: set[str] = set()

    def check_row(self, row):
        slug = row.text("slug")
        if not slug:
            row.problem(_("the slug is empty."))
        elif slugify(slug) != slug:
            row.problem(_("the slug “%(slug)s” may hold only Latin letters, digits and hyphens.") % {"slug": slug})
        kind = row.text("kind") or OrganisationKind.BRANCH
        if kind not in OrganisationKind.values:
            row.problem(_("unknown kind “%(value)s”.") % {"value": kind})
        primary_kind = row.text("primary_kind")
        if primary_kind and primary_kind not in PrimaryKind.values:
            row.problem(_("unknown type of primary organisation “%(value)s”.") % {"value": primary_kind})
        platform = row.text("platform").lower()
        if platform and platform not in Platform.values:
            row.problem(_("unknown platform “%(value)s”.") % {"value": row.text("platform")})
            platform = ""
        if row.text("url"):
            row.parse("url", _check_link, platform or None)
        official = row.parse("official", sp.parse_bool)
        member_count = row.parse("member_count", sp.parse_int)
        parent_name = row.text("parent")
        parent = None
        if parent_name and parent_name not in self.slugs_in_file:
            parent = self.existing.get(parent_name)
            if parent is None:
                row.problem(
                    _("the parent “%(slug)s” is neither in the registry nor in an earlier row.") % {"slug": parent_name}
                )
        is_new = slug not in self.slugs
        if kind != OrganisationKind.REGIONAL and slug and not parent_name and is_new:
            row.problem(_("a branch or primary organisation needs a parent."))
        if not row.text("name_ru") and slug and is_new:
            row.problem(_("a new organisation needs a Russian name."))
        if slug:
            self.slugs_in_file.add(slug)
        return {
            "slug": slug, "kind": kind, "parent_name": parent_name, "parent": parent, "platform": platform or None,
            "official": official, "url": row.text("url"),
            "fields": {
                "kind": kind,
                "name_ru": row.text("name_ru"),
                "name_kk": row.text("name_kk"),
                "primary_kind": primary_kind,
                "member_count": member_count,
                "chair_name": row.text("chair"),
                "phone": row.text("phone"),
                "email": row.text("email"),
            },
        }

    def save_row(self, plan, row):
        counts = dict.fromkeys(COUNTERS, 0)
        org = Organisation.objects.filter(slug=plan["slug"]).first()
        fields = dict(plan["fields"])
        if plan["parent_name"]:
            fields["parent"] = plan["parent"] or Organisation.objects.get(slug=plan["parent_name"])
        if org is None or org.slug not in self.seen:
            if org is None:
                org = Organisation(slug=plan["slug"], position=Organisation.objects.count() + 1, parent=None)
                counts["organisations_created"] += 1
            else:
                # Blank cells keep what the registry holds: an export edited in part stays safe.
                fields = {k: v for k, v in fields.items() if v not in ("", None)}
                counts["organisations_updated"] += 1
            for key, value in fields.items():
                setattr(org, key, value)
            org.full_clean()
            org.save()
            self.seen.add(org.slug)
        if plan["url"]:
            counts[_save_page(org, plan["platform"], plan["url"], plan["official"])] += 1
        return counts

    @property
    def seen(self) -> set:
        """The slugs this run has saved already (a file has a row per page of one organisation)."""
        return self._seen

    def preview_row(self, plan, row):
        return [plan["slug"], plan["fields"]["name_ru"], plan["kind"], plan["parent_name"], plan["platform"] or "", plan["url"]]


# --- Exporting ----------------------------------------------------------------------------


def export_rows(*, organisations, layout: str) -> list[list]:
    """Rows (header first) of the registry in `layout` ("appendix" or "full")."""
    organisations = list(organisations.select_related("parent").prefetch_related("social_pages"))
    if layout == "appendix":
        rows = [APPENDIX_COLUMNS]
        for org in organisations:
            if org.kind == OrganisationKind.PRIMARY:
                continue
            pages = list(org.social_pages.all())
            first = {p: next((s.url for s in pages if s.platform == p), "") for p in (Platform.INSTAGRAM, Platform.FACEBOOK)}
            rows.append([org.name_ru, first[Platform.INSTAGRAM], first[Platform.FACEBOOK]])
        return rows
    rows = [FULL_COLUMNS]
    for org in organisations:
        base = [
            org.slug, org.name_ru, org.name_kk, org.kind, org.parent.slug if org.parent else "", org.primary_kind,
            org.member_count if org.member_count is not None else "", org.chair_name, org.phone, org.email,
        ]
        pages = list(org.social_pages.all())
        if not pages:
            rows.append(base + [""] * (len(FULL_COLUMNS) - len(base)))
        for page in pages:
            rows.append(base + [
                page.platform, page.url, "yes" if page.is_official else "no", page.original_url, page.handle, page.kind,
                "; ".join(str(p.label) for p in page.problems), page.link_status_code or page.link_error,
                page.link_checked_at.isoformat() if page.link_checked_at else "",
            ])
    return rows


def export_csv(rows: list[list]) -> bytes:
    return sp.write_csv(rows[0], rows[1:])


def export_xlsx(rows: list[list]) -> bytes:
    return sp.write_xlsx({_("Registry"): (rows[0], rows[1:])})
