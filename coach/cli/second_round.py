"""The rest of a second round: likely questions, practice, progress over time, two drafts compared."""

from __future__ import annotations

import sys

import click

from coach.cli.app import cli
from coach.cli.common import DEFAULT_JOBS, EXIT_FAILED, EXIT_OK, EXIT_USAGE, Notes, grader_for, say_error, stdout_color


@cli.command()
@click.option("--role", "-r", help="The role applied for (e.g. 'sales representative'); unknown roles get the general questions.")
@click.option("--type", "question_type", metavar="TYPE", help="Only questions of this type (story, weakness, why_leaving, why_us, about_yourself, technical, questions_for_us, strength, why_hire).")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
def questions(role, question_type, output_format) -> int:
    """Likely interview questions by role, with what each one listens for and what a strong
    answer shows (the role's own first, then general and second-round ones)."""
    from coach.render import questions as render
    from coach.second_round import question_bank

    if _unknown_type(question_type):
        return EXIT_USAGE
    known = question_bank.types()
    selection = question_bank.select(role, question_type)
    if role and not selection.matched:
        click.echo(f"coach: note: no question bank for the role '{role}'; showing the general and second-round questions", err=True)
    click.echo(render.render(selection, known, output_format), nl=False)
    return EXIT_OK


@cli.command()
@click.option("--role", "-r", help="The role applied for; questions come from its bank, then the general ones.")
@click.option("--type", "question_type", metavar="TYPE", help="Only questions of this type (see `coach questions --help`).")
@click.option("--question", "-q", help="Practise this question instead of one from the bank.")
@click.option("--editor", is_flag=True, help="Write the answer in $EDITOR instead of on standard input.")
@click.option("--offline", is_flag=True, help="Use the rule-based engine even if an LLM endpoint is set.")
def practice(role, question_type, question, editor, offline) -> int:
    """Answer a likely question (one not practised recently), get the critique, and keep the
    attempt in your practice history (COACH_DATA_DIR overrides where)."""
    import sqlite3

    from coach.models import Answer
    from coach.render import text
    from coach.second_round import question_bank
    from coach.second_round.history import History
    from coach.second_round.practice import RECENT_ATTEMPTS, choose_question

    if _unknown_type(question_type):
        return EXIT_USAGE
    try:
        with History() as history:
            chosen = None
            if not question:
                chosen = choose_question(question_bank.select(role, question_type).questions, history.recent_question_ids(RECENT_ATTEMPTS))
                if chosen is None:
                    say_error("no question of that type in the bank")
                    return EXIT_USAGE
            asked = question or chosen.text
            click.echo(f"Question: {asked}", err=not sys.stdin.isatty() and not editor)
            answer_text = _practice_answer(editor)
            if not answer_text.strip():
                say_error("no answer given; nothing recorded")
                return EXIT_USAGE
            grader = _defaultgrader_for(offline)
            if grader is None:
                return EXIT_USAGE
            critique = grader.grade(Answer(text=answer_text.strip(), question=asked, role=role, source="practice"))
            history.record(critique, answer_text.strip(), asked, chosen.id if chosen else None, role)
    except (OSError, sqlite3.Error) as error:
        say_error(f"practice history unavailable ({error})")
        return EXIT_FAILED
    click.echo(text.render([critique], color=stdout_color()), nl=False)
    return EXIT_OK


def _defaultgrader_for(offline: bool):
    """practice and compare grade with the engine's defaults: they have no LLM tuning flags."""
    from coach.engine import GradeOptions

    return grader_for(GradeOptions(offline=offline, max_in_flight=DEFAULT_JOBS), Notes(), quiet=offline)


def _unknown_type(question_type: str | None) -> bool:
    """True, after a one-line error, when --type names no type of the question bank."""
    from coach.second_round import question_bank

    known = question_bank.types()
    if question_type is None or question_type in known:
        return False
    say_error(f"--type {question_type}: not a question type (one of: {', '.join(known)})")
    return True


def _practice_answer(editor: bool) -> str:
    if editor:
        return click.edit("\n# Write your answer above this line.\n") or ""
    if sys.stdin.isatty():
        click.echo("Type your answer, then Ctrl-D on a line of its own:", err=True)
    return sys.stdin.read()


@cli.command()
@click.option("--format", "output_format", type=click.Choice(["text", "json", "html"]), default="text", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write it to FILE (replaced only once complete).")
def progress(output_format, output) -> int:
    """Your practice so far: scores per question over time, each criterion then and now, and
    the weakest one to work on next."""
    import sqlite3

    from coach.render import practice as render
    from coach.second_round.history import History
    from coach.second_round.practice import progress as summarise

    try:
        with History() as history:
            attempts = history.attempts()
    except (OSError, sqlite3.Error) as error:
        say_error(f"practice history unavailable ({error})")
        return EXIT_FAILED
    report = summarise(attempts)
    if output_format == "html":
        page = render.progress_html(report, [(a.at[:10], a.score) for a in attempts])
    else:
        page = render.as_json(report.to_dict()) if output_format == "json" else render.progress_text(report)
    if not output:
        click.echo(page, nl=False)
        return EXIT_OK
    from coach.render.report_file import ReportFile

    try:
        with ReportFile(output) as out:
            out.write(page)
    except OSError as error:
        say_error(f"{output}: cannot write ({error.strerror or error})")
        return EXIT_USAGE
    click.echo(f"coach: wrote {output}", err=True)
    return EXIT_OK


@cli.command()
@click.argument("old", type=click.Path(dir_okay=False))
@click.argument("new", type=click.Path(dir_okay=False))
@click.option("--question", "-q", help="The interview question both drafts answer.")
@click.option("--offline", is_flag=True, help="Use the rule-based engine even if an LLM endpoint is set.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def compare(old, new, question, offline, output_format) -> int:
    """Two drafts of one answer side by side: score and each rating before and after, the
    findings fixed and the new ones."""
    from coach.inputs.readers import UnreadableInput, read_answer
    from coach.render import practice as render
    from coach.second_round.practice import compare as set_side_by_side

    try:
        drafts = [read_answer(path, question=question) for path in (old, new)]
    except UnreadableInput as error:
        say_error(str(error))
        return EXIT_USAGE
    grader = _defaultgrader_for(offline)
    if grader is None:
        return EXIT_USAGE
    comparison = set_side_by_side(*(grader.grade(draft) for draft in drafts))
    click.echo(render.as_json(comparison.to_dict()) if output_format == "json" else render.comparison_text(comparison), nl=False)
    return EXIT_OK
