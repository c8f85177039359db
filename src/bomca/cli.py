"""The ``bomca`` command line. Every subcommand documents itself (``bomca <command> --help``)."""

from __future__ import annotations

import argparse
import gettext
import importlib.resources
import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypeAlias

from django.utils.translation import gettext as _

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEMO_USERNAME = "demo"

Handler: TypeAlias = Callable[[argparse.Namespace], int]


def gettext_noop(message: str) -> str:
    """Mark a text for makemessages, untranslated; Django's function of that name needs settings."""
    return message


def summary(text: str) -> Callable[[Handler], Handler]:
    """Give a command its one-line summary: its docstring, and its line in ``bomca --help``.

    A decorator, not a docstring, because makemessages reads no docstrings: the text is marked
    with ``gettext_noop`` where it is written, and translated when the help is shown.
    """

    def document(handler: Handler) -> Handler:
        handler.__doc__ = text
        return handler

    return document


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bomca.settings.base")
    import django

    django.setup()


def _language_activate() -> None:
    """Speak the language of ``BOMCA_LANGUAGE`` (English when unset): messages, labels, errors."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.utils import translation

    language = settings.BOMCA_LANGUAGE
    known = [code for code, _name in settings.LANGUAGES]
    if language not in known:
        raise ImproperlyConfigured(
            f"BOMCA_LANGUAGE must be one of {', '.join(known)}; got {language!r}."
        )
    translation.activate(language)


# --- commands -----------------------------------------------------------------------------


@summary(
    gettext_noop(
        "Create or migrate the database and load the BOMCA 10 reference data (idempotent)."
    )
)
def cmd_init(args: argparse.Namespace) -> int:
    from django.core.management import call_command

    from bomca.dataset import dataset_load

    call_command("migrate", interactive=False, verbosity=0)
    report = dataset_load(path=args.dataset)
    kinds = sorted(set(report.created) | set(report.present))
    summary = ", ".join(
        _("%(kind)s: %(new)s new, %(present)s already there")
        % {"kind": kind, "new": report.created[kind], "present": report.present[kind]}
        for kind in kinds
    )
    print(_("Database ready. %(summary)s.") % {"summary": summary})
    return 0


@summary(
    gettext_noop("Initialise, create the demo user (password printed once) and serve on localhost.")
)
def cmd_demo(args: argparse.Namespace) -> int:
    cmd_init(argparse.Namespace(dataset=None))
    from django.conf import settings

    from bomca.accounts.services import demo_user_ensure

    # The demo serves on this machine only; its administrator signs in with a password alone.
    settings.BOMCA_ADMIN_TWO_FACTOR = False
    user, password = demo_user_ensure(username=DEMO_USERNAME)
    if password:
        print(
            _("Demo user created. Log in as %(user)r with password %(password)r.")
            % {"user": user.username, "password": password}
        )
        print(
            _("The password is shown this once; change it with: %(command)s")
            % {"command": "bomca manage changepassword demo"}
        )
    else:
        print(
            _(
                "User %(user)r already exists; its password is unchanged "
                "(reset it with: %(command)s)."
            )
            % {"user": user.username, "command": "bomca manage changepassword demo"}
        )
    return _serve(host=args.host, port=args.port, workers=args.workers)


@summary(
    gettext_noop("Serve the application with gunicorn; static files are served by whitenoise.")
)
def cmd_serve(args: argparse.Namespace) -> int:
    return _serve(host=args.host, port=args.port, workers=args.workers)


def _serve(*, host: str, port: int, workers: int) -> int:
    from django.conf import settings
    from gunicorn.app.base import BaseApplication

    from bomca.core.errors import ApplicationError

    if weak_secret_key(settings.SECRET_KEY):
        raise ApplicationError(
            _(
                "SECRET_KEY is a default or too weak to serve with; set a random one of 50 "
                "characters or more, e.g. from: %(command)s."
            )
            % {"command": "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"}
        )
    if settings.DEBUG:
        print(_("Warning: DEBUG is on; tracebacks are shown to users. Never on a server."))

    from bomca.wsgi import application

    class Server(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("accesslog", "-")

        def load(self) -> Any:
            return application

    print(_("Serving on %(url)s (Ctrl+C to stop)") % {"url": f"http://{host}:{port}/"}, flush=True)
    Server().run()
    return 0


def weak_secret_key(key: str) -> bool:
    """Django's own test for a key that must not protect a server (check --deploy, W009)."""
    return len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure")


@summary(gettext_noop("Print the key figures of a programme for a period, as JSON or as tables."))
def cmd_figures(args: argparse.Namespace) -> int:
    from bomca.core.periods import parse_period
    from bomca.reference.selectors import programme_get
    from bomca.reporting.selectors import key_figures
    from bomca.results.selectors import logframe

    period = parse_period(args.period)
    programme = programme_get(code=args.programme)
    figures = key_figures(programme=programme, period=period).as_dict()
    figures["indicators"] = logframe(programme=programme, period=period).as_dicts()
    if args.format == "json":
        print(json.dumps(figures, indent=2, ensure_ascii=False))
    else:
        _print_figure_tables(figures)
    return 0


def _print_figure_tables(figures: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    period = figures["period"]
    console.print(
        f"[bold]{figures['programme']['acronym']} {figures['programme']['code']}[/bold] "
        + _("%(period)s (%(start)s to %(end)s)")
        % {"period": period["label"], "start": period["start"], "end": period["end"]}
    )
    implemented = figures["activities"]["implemented"]
    participants = figures["participants"]
    console.print(_("Activities implemented: %(count)s") % {"count": implemented["total"]})
    console.print(_("Participants: %(count)s") % {"count": participants["total"]})
    sections = [
        (_("Activities by component"), implemented["by_component"]),
        (_("Activities by host country"), implemented["by_country"]),
        (_("Activities by type"), implemented["by_type"]),
        (_("Activities by scope"), implemented["by_scope"]),
        (_("Activities by format"), implemented["by_format"]),
        (_("Participants by sex"), participants["by_sex"]),
        (_("Participants by country"), participants["by_country"]),
        (_("Participants by kind of organisation"), participants["by_organisation_kind"]),
        (
            _("National trainers: home country -> host country (activities)"),
            {
                f"{row['trainer_country']} -> {row['host_country']}": row["activities"]
                for row in figures["training_cooperation"]
            },
        ),
    ]
    for title, breakdown in sections:
        console.print(f"\n[bold]{title}[/bold]")
        table = Table()
        table.add_column(_("code"))
        table.add_column(_("count"), justify="right")
        for code, count in breakdown.items():
            table.add_row(code, str(count))
        console.print(table)
    upcoming = figures["upcoming"]
    if upcoming["period"]:
        planned = _("Planned for %(period)s") % {"period": upcoming["period"]["label"]}
        console.print(f"\n[bold]{planned}[/bold]")
        for group in ("capacity_building", "management"):
            for row in upcoming[group]:
                console.print(f"  {row['start_date']}  {row['code']}  {row['title_en']}")
    procurement, grants = figures["procurement"], figures["grants"]
    if procurement is None:
        console.print("\n" + _("Procurement: not yet recorded in the system."))
    else:
        table = Table(
            title=_("Procurement as of %(day)s") % {"day": procurement["as_of"]},
            title_justify="left",
        )
        headings = (_("status"), _("needs"), _("items"), _("value (contracted, else estimated)"))
        for index, heading in enumerate(headings):
            table.add_column(heading, justify="left" if index == 0 else "right")
        for status, bucket in procurement["by_status"].items():
            if bucket["needs"]:
                value = "; ".join(f"{amount} {code}" for code, amount in bucket["value"].items())
                table.add_row(status, str(bucket["needs"]), str(bucket["items"]), value)
        console.print(table)
        funnel = ", ".join(f"{row['status']} {row['needs']}" for row in procurement["funnel"])
        console.print(_("Needs that reached each step: %(steps)s") % {"steps": funnel})
    if grants is None:
        console.print("\n" + _("Grants: not yet recorded in the system."))
    else:
        table = Table(title=_("Grant projects"), title_justify="left")
        table.add_column(_("status"))
        table.add_column(_("projects"), justify="right")
        for status, count in grants["projects"]["by_status"].items():
            if count:
                table.add_row(status, str(count))
        console.print(table)
        for row in grants["money"]["by_currency"]:
            console.print(
                _("%(currency)s: committed %(committed)s, paid %(paid)s")
                % {"currency": row["currency"], "committed": row["committed"], "paid": row["paid"]}
            )
        reached = grants["people_reached"]
        console.print(
            _(
                "People reached: %(total)s (%(women)s women, %(men)s men), "
                "from %(reports)s report(s)."
            )
            % {
                "total": reached["total"],
                "women": reached["by_sex"]["women"],
                "men": reached["by_sex"]["men"],
                "reports": reached["reports"],
            }
        )
    _print_indicator_table(console, figures["indicators"])


def _print_indicator_table(console: Any, indicators: list[dict[str, Any]]) -> None:
    from rich.table import Table

    if not indicators:
        console.print("\n" + _("Results framework: no indicators recorded."))
        return
    table = Table(title=_("Results framework indicators"), title_justify="left")
    headings = (
        _("code"),
        _("indicator"),
        _("actual"),
        _("target"),
        _("to date"),
        _("end target"),
        _("status"),
    )
    for index, heading in enumerate(headings):
        table.add_column(heading, justify="left" if index < 2 else "right")
    for row in indicators:
        actual = row["actual"] if row["actual"] is not None else (row["actual_text"] or "")
        table.add_row(
            row["code"],
            f"{row['title']} ({row['unit']})" if row["unit"] else row["title"],
            actual,
            row["target"] or "",
            row["to_date"] or "",
            row["end_target"] or "",
            row["status"].replace("_", " "),
        )
    console.print(table)


@summary(
    gettext_noop(
        "Build a newsletter issue, chosen by its quarter, as PDF or HTML in English or Russian."
    )
)
def cmd_newsletter(args: argparse.Namespace) -> int:
    import time

    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from bomca.reference.selectors import programme_get
    from bomca.reporting.newsletter import newsletter_html, newsletter_pdf
    from bomca.reporting.selectors import key_figures, newsletter_issue_for_period
    from bomca.reporting.services import newsletter_issue_create, newsletter_next_number

    programme = programme_get(code=args.programme)
    issue = newsletter_issue_for_period(programme=programme, period_code=args.period)
    if issue is None and args.create:
        issue = newsletter_issue_create(
            programme=programme,
            number=newsletter_next_number(programme=programme),
            period_code=args.period,
        )
        print(
            _("Created draft issue %(number)s for %(period)s.")
            % {"number": issue.number, "period": issue.period_code},
            file=sys.stderr,
        )
    if issue is None:
        from bomca.core.errors import ApplicationError

        raise ApplicationError(
            _(
                "There is no newsletter issue for %(period)s in %(programme)s; create it on the "
                "Newsletters page, or run again with --create for a draft made from the records."
            )
            % {"period": args.period, "programme": programme.code}
        )
    output: Path = args.output or Path(
        f"{programme.code}-newsletter-{issue.number}-{issue.period_code}-{args.lang}.{args.format}"
    )
    started = time.perf_counter()
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        transient=True,
        disable=not sys.stderr.isatty(),
    ) as progress:
        task = progress.add_task(_("Computing the figures"), total=2)
        figures = key_figures(programme=programme, period=issue.period)
        progress.update(task, advance=1, description=_("Drawing the charts and laying out pages"))
        if args.format == "pdf":
            content = newsletter_pdf(issue, language=args.lang, figures=figures)
        else:
            content = newsletter_html(
                issue, language=args.lang, standalone=True, figures=figures
            ).encode("utf-8")
        _write_atomically(output, content)
        progress.update(task, advance=1)
    elapsed = time.perf_counter() - started
    print(
        _(
            "Newsletter issue %(number)s (%(period)s, %(language)s) written to %(file)s "
            "in %(seconds)s s."
        )
        % {
            "number": issue.number,
            "period": issue.period_code,
            "language": args.lang,
            "file": output,
            "seconds": f"{elapsed:.1f}",
        }
    )
    return 0


def _write_atomically(path: Path, content: bytes) -> None:
    """Write ``content`` next to ``path`` and rename it: a reader never sees half a file."""
    from bomca.core.errors import ApplicationError

    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_bytes(content)
        partial.replace(path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise ApplicationError(
            _("Cannot write %(file)s: %(error)s.")
            % {"file": path, "error": error.strerror or error}
        ) from None


@summary(
    gettext_noop(
        "Import a spreadsheet (XLSX, XLS, ODS, CSV) of participants or activities, all or nothing."
    )
)
def cmd_import(args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

    from bomca.activities.models import Activity
    from bomca.core.errors import ApplicationError
    from bomca.imports.activities import activities_import
    from bomca.imports.models import ImportKind
    from bomca.imports.procurement_items import items_import
    from bomca.imports.services import import_run_record, participants_import, template_get
    from bomca.procurement.models import ProcurementNeed
    from bomca.reference.selectors import programme_get

    path: Path = args.file
    activity = programme = need = None
    if args.kind == "procurement-items":
        need = (
            ProcurementNeed.objects.select_related("programme").filter(reference=args.need).first()
        )
        if not args.need or need is None:
            raise ApplicationError(
                _("There is no procurement need %(reference)s.") % {"reference": args.need}
                if args.need
                else _("Say which need the items belong to: --need REFERENCE.")
            )
    elif args.kind == ImportKind.PARTICIPANTS:
        if not args.activity:
            raise ApplicationError(_("Say which activity the list belongs to: --activity CODE."))
        activity = Activity.objects.filter(code=args.activity).first()
        if activity is None:
            raise ApplicationError(_("There is no activity %(code)s.") % {"code": args.activity})
    else:
        programme = programme_get(code=args.programme or None)
    if not path.is_file():
        raise ApplicationError(_("There is no file %(file)s.") % {"file": path})
    data = path.read_bytes()
    kind = ImportKind.PROCUREMENT_ITEMS if need is not None else args.kind
    template = template_get(kind=kind, name=args.mapping) if args.mapping else None
    with Progress(
        TextColumn(_("Reading rows")),
        BarColumn(),
        TaskProgressColumn(),
        transient=True,
        disable=not sys.stderr.isatty(),
    ) as progress:
        task = progress.add_task("rows", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        options: dict[str, Any] = {
            "data": data,
            "filename": path.name,
            "sheet": args.sheet,
            "header_row": args.header_row,
            "template": template,
            "dry_run": args.dry_run,
            "progress": advance,
        }
        if activity is not None:
            result = participants_import(activity=activity, **options)
        elif need is not None:
            result = items_import(need=need, **options)
        else:
            assert programme is not None
            result = activities_import(programme=programme, **options)
    import_run_record(
        result=result,
        data=data,
        filename=path.name,
        activity=activity,
        programme=programme,
        need=need,
        kind=kind,
    )
    if result.problems:
        print(
            _("%(file)s: nothing imported; %(count)s problem(s) in sheet %(sheet)r:")
            % {
                "file": path.name,
                "count": len(result.problems) + result.more_problems,
                "sheet": result.sheet,
            },
            file=sys.stderr,
        )
        for problem in result.problems:
            print(f"  {problem}", file=sys.stderr)
        if result.more_problems:
            print(
                "  " + _("... and %(count)s more.") % {"count": result.more_problems},
                file=sys.stderr,
            )
        return 1
    where = {
        "file": path.name,
        "sheet": result.sheet,
        "row": result.header_row,
        "rows": result.rows,
    }
    if args.dry_run:
        heading = _(
            "%(file)s (%(sheet)s, headings on row %(row)s): would import %(rows)s rows "
            "into %(into)s."
        )
    else:
        heading = _(
            "%(file)s (%(sheet)s, headings on row %(row)s): imported %(rows)s rows into %(into)s."
        )
    if need is not None:
        items = result.items
        print(
            heading % {**where, "into": need.reference},
            _("Items: %(created)s created, %(updated)s changed, %(unchanged)s unchanged.")
            % {"created": items.created, "updated": items.updated, "unchanged": items.unchanged},
        )
        return 0
    if programme is not None:
        outcome = result.activities
        print(
            heading % {**where, "into": programme.code},
            _("Activities: %(created)s created, %(updated)s changed, %(unchanged)s unchanged.")
            % {
                "created": outcome.created,
                "updated": outcome.updated,
                "unchanged": outcome.unchanged,
            },
        )
        return 0
    report = result.report
    assert report is not None
    assert activity is not None
    print(
        heading % {**where, "into": activity.code},
        _(
            "Participants: %(created)s created, %(updated)s updated, %(matched)s already "
            "recorded. Attendance: %(a_created)s created, %(a_updated)s updated, "
            "%(a_unchanged)s unchanged."
        )
        % {
            "created": report.participants_created,
            "updated": report.participants_updated,
            "matched": report.participants_matched,
            "a_created": report.attendances_created,
            "a_updated": report.attendances_updated,
            "a_unchanged": report.attendances_unchanged,
        },
    )
    return 0


@summary(
    gettext_noop("Data-subject requests: export everything held on a participant, or erase it.")
)
def cmd_people(args: argparse.Namespace) -> int:
    from bomca.accounts.models import AuditEventKind
    from bomca.accounts.services import audit_event_record
    from bomca.core.errors import ApplicationError
    from bomca.people.models import Participant
    from bomca.people.services import participant_erase, participant_export

    participant = (
        Participant.objects.select_related("country", "organisation").filter(pk=args.id).first()
    )
    if participant is None:
        raise ApplicationError(_("There is no participant #%(id)s.") % {"id": args.id})
    if args.action == "export-subject":
        content = json.dumps(participant_export(participant), indent=2, ensure_ascii=False)
        if args.output:
            _write_atomically(args.output, (content + "\n").encode("utf-8"))
            args.output.chmod(0o600)
            print(
                _("Participant #%(id)s: data written to %(file)s.")
                % {"id": participant.pk, "file": args.output}
            )
        else:
            print(content)
        audit_event_record(
            kind=AuditEventKind.EXPORT,
            detail={"what": "data-subject export", "participant": participant.pk},
        )
        return 0
    if not args.yes:
        raise ApplicationError(
            _("Erasing participant #%(id)s cannot be undone; run again with --yes.")
            % {"id": participant.pk}
        )
    participant_erase(participant)
    audit_event_record(kind=AuditEventKind.ERASURE, detail={"participant": participant.pk})
    print(
        _(
            "Participant #%(id)s: personal data erased from the record and its history; "
            "attendance and counts kept."
        )
        % {"id": participant.pk}
    )
    return 0


@summary(
    gettext_noop("Grant projects: list them with their totals, or move one to its next status.")
)
def cmd_grants(args: argparse.Namespace) -> int:
    return _list_or_move(
        args,
        "grants",
        key="contract",
        key_name="contract number",
        listing=_grants_list,
        moving=_grants_move,
    )


def _list_or_move(
    args: argparse.Namespace,
    command: str,
    *,
    key: str,
    key_name: str,
    listing: Callable[[argparse.Namespace], int],
    moving: Callable[[argparse.Namespace], int],
) -> int:
    """Run ``list`` (which names no record) or ``move`` (which names one and its new status)."""
    from bomca.core.errors import ApplicationError

    if args.action == "list":
        if getattr(args, key):
            raise ApplicationError(
                f"'{command} list' takes no {key_name}; use --country or --status."
            )
        return listing(args)
    if not getattr(args, key) or not args.to:
        raise ApplicationError(f"'{command} move' needs a {key_name} and --to STATUS.")
    return moving(args)


def _grants_list(args: argparse.Namespace) -> int:
    from bomca.core.errors import ApplicationError
    from bomca.core.money import money_format, totals_format
    from bomca.grants.models import ProjectStatus
    from bomca.grants.selectors import (
        ProjectFilters,
        project_totals,
        projects_for_list,
        projects_matching,
    )
    from bomca.reference.selectors import programme_get

    if args.status and args.status not in ProjectStatus.values:
        raise ApplicationError(
            f"There is no status {args.status!r}; use one of: {', '.join(ProjectStatus.values)}."
        )
    programme = programme_get(code=args.programme)
    filters = ProjectFilters(country=(args.country or "").upper(), status=args.status or "")
    projects = projects_matching(programme=programme, filters=filters)
    for project in projects_for_list(projects):
        application = project.application
        print(
            f"{project.contract_number}  {project.status:<12}  {application.country.code}  "
            f"{project.start_date}..{project.end_date}  "
            f"{money_format(project.amount, project.currency)} "
            f"(paid {money_format(project.paid, project.currency)})  "  # type: ignore[attr-defined]
            f"{application.organisation.name_en}"
        )
    totals = project_totals(projects)
    print(
        _("%(count)s project(s). Contracted: %(contracted)s. Paid: %(paid)s.")
        % {
            "count": projects.count(),
            "contracted": totals_format(totals.contracted) or "0",
            "paid": totals_format(totals.paid) or "0",
        }
    )
    return 0


def _grants_move(args: argparse.Namespace) -> int:
    from django.utils import timezone

    from bomca.accounts.models import User
    from bomca.core.errors import ApplicationError
    from bomca.grants.models import GrantProject
    from bomca.grants.services import project_move

    project = GrantProject.objects.filter(contract_number=args.contract).first()
    if project is None:
        raise ApplicationError(
            _("There is no grant project %(contract)s.") % {"contract": args.contract}
        )
    by = None
    if args.by:
        by = User.objects.filter(username=args.by).first()
        if by is None:
            raise ApplicationError(f"There is no user {args.by!r}.")
    before = project.get_status_display()
    project_move(
        project=project,
        to_status=args.to,
        on=args.date or timezone.localdate(),
        by=by,
        note=args.note,
    )
    print(f"{project.contract_number}: {before} -> {project.get_status_display()}.")
    return 0


@summary(
    gettext_noop("Procurement needs: list them with their totals, or move one to another step.")
)
def cmd_procurement(args: argparse.Namespace) -> int:
    return _list_or_move(
        args,
        "procurement",
        key="reference",
        key_name="reference",
        listing=_procurement_list,
        moving=_procurement_move,
    )


def _procurement_list(args: argparse.Namespace) -> int:
    from django.utils import timezone

    from bomca.core.errors import ApplicationError
    from bomca.core.money import totals_format
    from bomca.procurement.models import NeedStatus
    from bomca.procurement.selectors import NeedFilters, need_list, need_totals, need_values
    from bomca.reference.selectors import programme_get

    if args.status and args.status not in NeedStatus.values:
        raise ApplicationError(
            f"There is no status {args.status!r}; use one of: {', '.join(NeedStatus.values)}."
        )
    programme = programme_get(code=args.programme)
    filters = NeedFilters(country=(args.country or "").upper(), status=args.status or "")
    needs = need_list(programme=programme, filters=filters, today=timezone.localdate())
    listed = list(needs)
    values = need_values(listed)
    for need in listed:
        estimated = values[need.pk].estimated if need.pk in values else {}
        print(
            f"{need.reference}  {need.status:<11}  {need.country.code}  {need.horizon:<10}  "
            f"{totals_format(estimated) or '-'}  {need.title_en}"
        )
    totals = need_totals(needs)
    print(
        _(
            "%(needs)s need(s), %(items)s item(s). Estimated: %(estimated)s. "
            "Contracted: %(contracted)s."
        )
        % {
            "needs": totals.needs,
            "items": totals.items,
            "estimated": totals_format(totals.estimated) or "0",
            "contracted": totals_format(totals.contracted) or "0",
        }
    )
    return 0


def _procurement_move(args: argparse.Namespace) -> int:
    from django.utils import timezone

    from bomca.accounts.models import User
    from bomca.core.errors import ApplicationError
    from bomca.procurement.models import ProcurementNeed
    from bomca.procurement.services import need_move, status_label

    need = ProcurementNeed.objects.filter(reference=args.reference).first()
    if need is None:
        raise ApplicationError(
            _("There is no procurement need %(reference)s.") % {"reference": args.reference}
        )
    by = None
    if args.by:
        by = User.objects.filter(username=args.by).first()
        if by is None:
            raise ApplicationError(f"There is no user {args.by!r}.")
    before = status_label(need.status)
    moved = need_move(
        need=need, to=args.to, on=args.date or timezone.localdate(), by=by, note=args.note
    )
    print(f"{moved.reference}: {before} -> {status_label(moved.status)}.")
    return 0


@summary(
    gettext_noop(
        "IATI 2.03: export programmes as activity XML, or validate any IATI activity file."
    )
)
def cmd_iati(args: argparse.Namespace) -> int:
    if args.action == "validate":
        return _iati_validate(args)
    return _iati_export(args)


def _iati_export(args: argparse.Namespace) -> int:
    import time

    from rich.progress import Progress

    from bomca.core.errors import ApplicationError
    from bomca.iati.export import iati_export
    from bomca.reference.models import Programme
    from bomca.reference.selectors import programme_get

    if args.file is not None:
        raise ApplicationError("export writes to -o FILE; a FILE argument is for validate.")
    if args.all:
        programmes = list(Programme.objects.filter(iati_publication__isnull=False).order_by("code"))
    else:
        programmes = [programme_get(code=args.programme)]
    output: Path = args.output or Path(
        f"{programmes[0].code if len(programmes) == 1 else 'programmes'}-iati.xml"
    )
    partial = output.with_name(f".{output.name}.partial")
    started = time.perf_counter()
    try:
        with Progress(transient=True, disable=not sys.stderr.isatty()) as progress:
            task = progress.add_task("Writing IATI activities", total=len(programmes))
            report = iati_export(
                programmes=programmes,
                out=partial,
                advance=lambda _programme: progress.update(task, advance=1),
            )
        partial.replace(output)
    except OSError as error:
        raise ApplicationError(f"Cannot write {output}: {error.strerror or error}.") from None
    finally:
        partial.unlink(missing_ok=True)
    print(
        _(
            "%(activities)s IATI activities (%(transactions)s transactions, %(results)s results, "
            "%(periods)s indicator periods) written to %(file)s in %(seconds)s s."
        )
        % {
            "activities": report.activities,
            "transactions": report.transactions,
            "results": report.results,
            "periods": report.indicator_periods,
            "file": output,
            "seconds": f"{time.perf_counter() - started:.1f}",
        }
    )
    return 0


def _iati_validate(args: argparse.Namespace) -> int:
    from bomca.core.errors import ApplicationError
    from bomca.iati.validation import validate_file

    if args.file is None:
        raise ApplicationError("validate needs the FILE to check.")
    problems = validate_file(args.file)
    for problem in problems:
        where = f"line {problem.line}: " if problem.line else ""
        rule = f" [{problem.rule}]" if problem.rule else ""
        print(f"{problem.severity} {problem.kind}{rule} {where}{problem.xpath}: {problem.message}")
    errors = sum(problem.severity == "error" for problem in problems)
    warnings = len(problems) - errors
    print(
        _(
            "%(file)s: %(errors)s error(s), %(warnings)s warning(s) against IATI 2.03 "
            "(schema, codelists, standard ruleset)."
        )
        % {"file": args.file, "errors": errors, "warnings": warnings},
        file=sys.stderr,
    )
    return 1 if errors else 0


@summary(
    gettext_noop(
        "Add a deterministic synthetic portfolio (programmes SYN01...) beside the reference data."
    )
)
def cmd_generate(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
    from rich.table import Table

    from bomca.generate import STAGES, portfolio_generate

    with Progress(
        TextColumn("{task.description:<34}"),
        BarColumn(),
        MofNCompleteColumn(),
        transient=True,
        disable=not sys.stderr.isatty(),
        console=Console(stderr=True),
    ) as progress:
        tasks = {
            stage: progress.add_task(label, total=args.programmes)
            for stage, label in STAGES.items()
        }
        summary = portfolio_generate(
            programmes=args.programmes,
            years=args.years,
            seed=args.seed,
            resume=args.resume,
            progress=lambda stage: progress.advance(tasks[stage]),
        )
    table = Table(title="Rows written (each with its history row)", title_justify="left")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for label, count in summary.rows.items():
        if count:
            table.add_row(label, f"{count:,}")
    table.add_row("total", f"{sum(summary.rows.values()):,}", style="bold")
    Console().print(table)
    skipped = f" ({len(summary.skipped)} already there)" if summary.skipped else ""
    print(
        f"Generated {len(summary.programmes)} programme(s){skipped} over {args.years} year(s) "
        f"with seed {args.seed} in {summary.seconds:.1f} s."
    )
    return 0


@summary(gettext_noop("Write a backup (database, uploaded files, checksums) to one ZIP file."))
def cmd_backup(args: argparse.Namespace) -> int:
    from bomca.backup import backup_create

    report = backup_create(path=args.output)
    print(
        _("Backup written to %(file)s: %(records)s records, %(files)s files.")
        % {"file": report.path, "records": report.records, "files": report.files}
    )
    return 0


@summary(
    gettext_noop("Restore a backup into an empty installation, after checking every checksum.")
)
def cmd_restore(args: argparse.Namespace) -> int:
    from bomca.backup import backup_restore

    report = backup_restore(path=args.file)
    print(
        _("Restored %(records)s records and %(files)s files from %(file)s.")
        % {"records": report.records, "files": report.files, "file": args.file}
    )
    return 0


@summary(
    gettext_noop("Run one of Django's management commands, e.g. ``bomca manage createsuperuser``.")
)
def cmd_manage(args: argparse.Namespace) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["bomca manage", *args.arguments])
    return 0


@summary(gettext_noop("Print this command-line reference as Markdown (it is kept in docs/cli.md)."))
def cmd_docs(args: argparse.Namespace) -> int:
    print(cli_reference(), end="")
    return 0


# --- parser -------------------------------------------------------------------------------


def _port(text: str) -> int:
    value = int(text)
    if not 0 < value < 65536:
        raise argparse.ArgumentTypeError(f"{value} is not a TCP port (1–65535)")
    return value


def _serve_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host", default=DEFAULT_HOST, help=gettext_noop("address to listen on (%(default)s)")
    )
    parser.add_argument(
        "--port", type=_port, default=DEFAULT_PORT, help=gettext_noop("port (%(default)s)")
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help=gettext_noop("gunicorn worker processes (%(default)s)"),
    )


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _list_and_move_options(
    parser: argparse.ArgumentParser,
    *,
    action_help: str,
    key: str,
    key_help: str,
    status_help: str,
    country_help: str,
    to_help: str,
    note_help: str,
) -> None:
    """The options of a record kind that is listed with totals and moved one step at a time."""
    parser.add_argument("action", choices=("list", "move"), help=action_help)
    parser.add_argument(key, nargs="?", help=key_help)
    parser.add_argument("--status", help=status_help)
    parser.add_argument("--country", help=country_help)
    parser.add_argument(
        "--programme",
        help=gettext_noop("list: programme code, e.g. BOMCA10 (default: the default programme)"),
    )
    parser.add_argument("--to", help=to_help)
    parser.add_argument(
        "--date", type=_day, help=gettext_noop("move: the day of the step (default: today)")
    )
    parser.add_argument("--note", default="", help=note_help)
    parser.add_argument(
        "--by", help=gettext_noop("move: the username recorded as having made the step")
    )


def _grants_options(parser: argparse.ArgumentParser) -> None:
    _list_and_move_options(
        parser,
        action_help=gettext_noop(
            "list: the projects and their totals per currency; move: one status step"
        ),
        key="contract",
        key_help=gettext_noop("move: the contract number, e.g. BOMCA10-CfP-1-G01"),
        status_help=gettext_noop(
            "list: only projects in this status (contracted, ongoing, final_report, "
            "closed, terminated)"
        ),
        country_help=gettext_noop("list: only projects in this country, e.g. KG"),
        to_help=gettext_noop(
            "move: the new status; from contracted: ongoing or terminated; from ongoing: "
            "final_report or terminated; from final_report: closed"
        ),
        note_help=gettext_noop("move: why, or what happened (required to terminate)"),
    )


def _procurement_options(parser: argparse.ArgumentParser) -> None:
    _list_and_move_options(
        parser,
        action_help=gettext_noop(
            "list: the needs and their totals per currency; move: one step of a need"
        ),
        key="reference",
        key_help=gettext_noop("move: the need's reference, e.g. PR-KG-2023-003"),
        status_help=gettext_noop(
            "list: only needs in this status (identified, specified, tendered, "
            "evaluated, contracted, delivered, handed_over, on_hold, cancelled)"
        ),
        country_help=gettext_noop("list: only needs of this country, e.g. KG"),
        to_help=gettext_noop(
            "move: the new status: the next step, on_hold or cancelled; from on_hold, the "
            "step it was held at"
        ),
        note_help=gettext_noop("move: why, or what happened (required for on_hold, cancelled)"),
    )


def _generate_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--programmes", type=int, default=50, help=gettext_noop("how many programmes (%(default)s)")
    )
    parser.add_argument(
        "--years",
        type=int,
        default=10,
        help=gettext_noop(
            "years of each, ending with the reference data's last year (%(default)s)"
        ),
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=1,
        help=gettext_noop("the same seed gives the same rows (%(default)s)"),
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help=gettext_noop(
            "continue an interrupted run: keep the programmes it wrote (same seed and years)"
        ),
    )


COMMANDS: dict[str, Handler] = {
    "init": cmd_init,
    "demo": cmd_demo,
    "serve": cmd_serve,
    "figures": cmd_figures,
    "newsletter": cmd_newsletter,
    "import": cmd_import,
    "people": cmd_people,
    "procurement": cmd_procurement,
    "grants": cmd_grants,
    "iati": cmd_iati,
    "generate": cmd_generate,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "manage": cmd_manage,
    "docs": cmd_docs,
}


# argparse's own words, for makemessages: argparse asks the stdlib's default domain for them,
# where no catalogue of ours is, so _HelpFormatter translates them with the rest of the help.
ARGPARSE_WORDS = (
    gettext_noop("usage: "),
    gettext_noop("positional arguments"),
    gettext_noop("options"),
    gettext_noop("show this help message and exit"),
)


def help_catalogue(language: str) -> gettext.NullTranslations:
    """The catalogue the help is shown with, read without Django (``--help`` loads no settings)."""
    locale = importlib.resources.files("bomca") / "locale"
    return gettext.translation("django", str(locale), languages=[language], fallback=True)


class _HelpFormatter(argparse.HelpFormatter):
    """Help in a catalogue's language: the parser holds English, translated as it is shown."""

    def __init__(self, prog: str, *, catalogue: gettext.NullTranslations) -> None:
        # A fixed width keeps the generated reference (docs/cli.md) the same on every terminal.
        super().__init__(prog, width=100)
        self._catalogue = catalogue

    def _translate(self, text: str | None) -> str | None:
        # gettext("") would answer with the catalogue's header.
        return self._catalogue.gettext(text) if text else text

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[Any],
        prefix: str | None = None,
    ) -> None:
        # A prefix of "" (argparse's, for a subcommand's prog) stays empty.
        if prefix is None:
            prefix = self._catalogue.gettext("usage: ")
        super().add_usage(usage, actions, groups, prefix)

    def start_section(self, heading: str | None) -> None:
        super().start_section(self._translate(heading))

    def add_text(self, text: str | None) -> None:
        super().add_text(self._translate(text))

    def _get_help_string(self, action: argparse.Action) -> str | None:
        return self._translate(super()._get_help_string(action))


def build_parser(*, language: str = "en") -> argparse.ArgumentParser:
    """The parser of every command; its help is shown in ``language`` (English by default)."""
    catalogue = help_catalogue(language)

    def formatter(prog: str) -> argparse.HelpFormatter:
        return _HelpFormatter(prog, catalogue=catalogue)

    parser = argparse.ArgumentParser(
        prog="bomca",
        formatter_class=formatter,
        description=gettext_noop(
            "BOMCA Programme Information System. Configuration comes from the "
            "environment: DATABASE_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS, BOMCA_VAR_DIR."
        ),
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="command")
    for name, function in COMMANDS.items():
        line = (function.__doc__ or "").strip().splitlines()[0]
        command = sub.add_parser(name, help=line, description=line, formatter_class=formatter)
        command.set_defaults(handler=function)
        if name == "init":
            command.add_argument(
                "--dataset",
                type=Path,
                help=gettext_noop("load this dataset file instead of the BOMCA 10 reference data"),
            )
        elif name in ("demo", "serve"):
            _serve_options(command)
        elif name == "figures":
            command.add_argument(
                "--period",
                required=True,
                help=gettext_noop(
                    "2023Q2 (quarter), 2023 (year), 2023-04 (month) or 2021-04..2025-09 (range)"
                ),
            )
            command.add_argument(
                "--programme",
                help=gettext_noop("programme code, e.g. BOMCA10 (default: the default programme)"),
            )
            command.add_argument(
                "--format",
                choices=("json", "table"),
                default="table",
                help=gettext_noop("output (%(default)s)"),
            )
        elif name == "newsletter":
            command.add_argument(
                "period", help=gettext_noop("the quarter of the issue, e.g. 2023Q2")
            )
            command.add_argument(
                "--lang",
                choices=("en", "ru"),
                default="en",
                help=gettext_noop("language (%(default)s)"),
            )
            command.add_argument(
                "--format",
                choices=("pdf", "html"),
                default="pdf",
                help=gettext_noop("output (%(default)s)"),
            )
            command.add_argument(
                "-o",
                "--output",
                type=Path,
                help=gettext_noop(
                    "file to write (default: BOMCA10-newsletter-6-2023Q2-en.pdf style)"
                ),
            )
            command.add_argument(
                "--programme",
                help=gettext_noop("programme code, e.g. BOMCA10 (default: the default programme)"),
            )
            command.add_argument(
                "--create",
                action="store_true",
                help=gettext_noop(
                    "create a draft issue from the records when the quarter has none"
                ),
            )
        elif name == "import":
            command.add_argument(
                "kind",
                choices=("participants", "activities", "procurement-items"),
                help=gettext_noop("what the file holds"),
            )
            command.add_argument(
                "file", type=Path, help=gettext_noop("an XLSX, XLS, ODS or CSV file")
            )
            command.add_argument(
                "--activity",
                help=gettext_noop(
                    "participants: the activity's code, e.g. C4-UZ-2023-025 (required)"
                ),
            )
            command.add_argument(
                "--programme",
                help=gettext_noop(
                    "activities: the programme's code, e.g. BOMCA10 (default: the default one)"
                ),
            )
            command.add_argument(
                "--need",
                help=gettext_noop("procurement-items: the need's reference, e.g. PR-KG-2023-003"),
            )
            command.add_argument(
                "--mapping", help=gettext_noop("a column mapping saved under this name")
            )
            command.add_argument(
                "--sheet", help=gettext_noop("the sheet to read (default: the first with headings)")
            )
            command.add_argument(
                "--header-row",
                type=int,
                help=gettext_noop("the row of headings, 1-based (default: detected)"),
            )
            command.add_argument(
                "--dry-run",
                action="store_true",
                help=gettext_noop("check and report, write nothing"),
            )
        elif name == "people":
            command.add_argument(
                "action",
                choices=("export-subject", "erase"),
                help=gettext_noop("the data-subject request"),
            )
            command.add_argument(
                "--id", type=int, required=True, help=gettext_noop("the participant's number")
            )
            command.add_argument(
                "-o",
                "--output",
                type=Path,
                help=gettext_noop("export-subject: write the JSON to this file"),
            )
            command.add_argument(
                "--yes",
                action="store_true",
                help=gettext_noop("erase: confirm that it cannot be undone"),
            )
        elif name == "grants":
            _grants_options(command)
        elif name == "procurement":
            _procurement_options(command)
        elif name == "iati":
            command.add_argument(
                "action", choices=("export", "validate"), help=gettext_noop("what to do")
            )
            command.add_argument(
                "file", type=Path, nargs="?", help=gettext_noop("validate: the XML file")
            )
            command.add_argument(
                "--programme",
                help=gettext_noop("export: programme code, e.g. BOMCA10 (default: the default)"),
            )
            command.add_argument(
                "--all",
                action="store_true",
                help=gettext_noop("export: every programme with IATI settings"),
            )
            command.add_argument(
                "-o",
                "--output",
                type=Path,
                help=gettext_noop("export: the file to write (BOMCA10-iati.xml)"),
            )
        elif name == "generate":
            _generate_options(command)
        elif name == "backup":
            command.add_argument(
                "-o",
                "--output",
                type=Path,
                required=True,
                help=gettext_noop("the ZIP file to write"),
            )
        elif name == "restore":
            command.add_argument(
                "file", type=Path, help=gettext_noop("a ZIP file made by 'bomca backup'")
            )
        elif name == "manage":
            command.add_argument(
                "arguments",
                nargs=argparse.REMAINDER,
                help=gettext_noop("the management command and its options"),
            )
    return parser


def cli_reference() -> str:
    """The Markdown reference of every command, generated from the parser."""
    parser = build_parser()
    lines = ["# Command-line reference", "", "Generated by `bomca docs`; do not edit by hand.", ""]
    lines += ["```text", parser.format_help().rstrip(), "```", ""]
    sub = next(
        action for action in parser._actions if isinstance(action, argparse._SubParsersAction)
    )
    for name, command in sub.choices.items():
        lines += [f"## bomca {name}", "", command.description or "", ""]
        lines += ["```text", command.format_help().rstrip(), "```", ""]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``bomca`` console script."""
    # The help speaks BOMCA_LANGUAGE too; an unknown language is refused below, not here.
    args = build_parser(language=os.environ.get("BOMCA_LANGUAGE") or "en").parse_args(argv)
    if args.command == "docs":
        return cmd_docs(args)
    from django.core.exceptions import ImproperlyConfigured, ValidationError
    from django.core.management import CommandError
    from django.db import DatabaseError

    try:
        _django_setup()
        _language_activate()
        from bomca.core.errors import ApplicationError
        from bomca.core.records import describe_validation_error

        try:
            return int(args.handler(args))
        except ApplicationError as error:
            return _fail(error.message)
        except ValidationError as error:
            return _fail(describe_validation_error(error))
        except CommandError as error:
            return _fail(str(error))
    except ImproperlyConfigured as error:
        # In English: without a configuration there is no catalogue to translate with.
        return _fail(f"The configuration is incomplete: {error}")
    except DatabaseError as error:
        first_line = (
            str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        )
        return _fail(
            _("The database refused the request (%(error)s); has 'bomca init' been run?")
            % {"error": first_line}
        )
    except KeyboardInterrupt:
        return 130


def _fail(message: str) -> int:
    print(f"bomca: error: {message}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
