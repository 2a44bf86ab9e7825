"""An administrator imports people from a CSV file, from the CLI or the service the page uses:
every row checked by the person rules, all or nothing, a report by row (issue 24, item 3)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from agent_workspace import cli
from agent_workspace.models import Account, AuditEvent, Consumer, Contact, PersonPhone, Role
from agent_workspace.services.errors import AccessDenied, InvalidInput
from agent_workspace.services.people import importing
from agent_workspace.services.people.importing import Refusal
from tests.support.factories import make_consumer, make_user

GOOD = (
    "Given name;Surname;Cell;E-mail;Company;Country\n"
    "Ana;Souza;0412 345 678;ana@initech.example;Initech;AU\n"
    "Bo;Berg;(415) 555-0171;;;\n"
    "\n"
    "Cy;Chen;+1 415 555 0172;cy@globex.example;globex;US\n"
    "Maria;Garcia;415-555-0123;maria@example.com;;US\n"
)


def _counts(engine: Engine) -> tuple[int, int, int, int]:
    with Session(engine) as session:
        return tuple(  # type: ignore[return-value]
            session.exec(select(func.count()).select_from(t)).one()
            for t in (Consumer, Contact, PersonPhone, Account)
        )


def test_a_file_is_imported_with_columns_guessed_and_known_people_updated(
    engine: Engine,
) -> None:
    ada = make_user("ada", roles=(Role.ADMIN,))
    maria = make_consumer("Maria", "+14155550123")
    report = importing.import_people(actor=ada, text=GOOD, source="people.csv")
    assert report.mapping == {
        "first_name": "Given name",
        "last_name": "Surname",
        "mobile": "Cell",
        "other_numbers": "",
        "email": "E-mail",
        "account": "Company",
        "country": "Country",
        "opted_out": "",
        "sms_consent": "",
    }
    assert (report.rows, report.created, report.updated, report.refused) == (4, 3, 1, ())
    assert _counts(engine) == (2, 2, 4, 2)
    with Session(engine) as session:
        updated = session.get(Consumer, maria.id)
        assert updated is not None
        assert (updated.last_name, updated.email) == ("Garcia", "maria@example.com")
        ana = session.exec(select(Contact).where(Contact.first_name == "Ana")).one()
        phone = session.exec(select(PersonPhone).where(PersonPhone.contact_id == ana.id)).one()
        assert phone.e164 == "+61412345678"  # read in the row's country
        audit = session.exec(select(AuditEvent).where(AuditEvent.action == "people.imported")).one()
        assert audit.detail == {
            "source": "people.csv",
            "rows": 4,
            "created": 3,
            "updated": 1,
            "unchanged": 0,
        }
    again = importing.import_people(actor=ada, text=GOOD)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert _counts(engine) == (2, 2, 4, 2)


def test_one_bad_row_refuses_the_file_and_the_report_names_every_row_and_reason(
    engine: Engine,
) -> None:
    ada = make_user("ada", roles=(Role.ADMIN,))
    make_consumer("Maria", "+14155550123")
    make_consumer("Carlos", "+14155550124", "+14155550125")
    text = (
        "first_name,last_name,mobile,other_numbers,email\n"
        "Ok,Person,+14155550150,,ok@example.com\n"
        ",Nameless,+14155550151,,\n"
        "Lan,Dline,+44 20 7946 0958,,\n"
        "Dup,Licate,+14155550150,,\n"
        "Two,People,+14155550123,+14155550124,\n"
        "Bad,Mail,+14155550152,,not-an-email\n"
        "Same,Mail,+14155550153,,OK@example.com\n"
    )
    before = _counts(engine)
    report = importing.import_people(actor=ada, text=text)
    assert not report.written and report.created == 0
    assert report.refused == (
        Refusal(3, "The first name is required."),
        Refusal(4, "+44 20 7946 0958 is a landline (fixed-line) number and cannot receive SMS."),
        Refusal(5, "This row repeats +1 415-555-0150 of row 2."),
        Refusal(
            6,
            "+1 415-555-0123, +1 415-555-0124: the numbers belong to several people already; "
            "one row, one person.",
        ),
        Refusal(7, "'not-an-email' is not an e-mail address."),
        Refusal(8, "This row repeats ok@example.com of row 2."),
    )
    assert _counts(engine) == before


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "The file is empty"),
        ("\n\n", "The first row must name the columns"),
        ("last_name\nSmith\n", "Choose the column that holds the first name"),
        ('first_name\n"unterminated\n', "cannot be read as CSV"),
    ],
)
def test_a_file_that_is_no_people_csv_is_refused_saying_why(
    engine: Engine, text: str, reason: str
) -> None:
    ada = make_user("ada", roles=(Role.ADMIN,))
    with pytest.raises(InvalidInput, match=reason):
        importing.import_people(actor=ada, text=text)


def test_only_administrators_import(engine: Engine) -> None:
    alice = make_user("alice")
    with pytest.raises(AccessDenied):
        importing.import_people(actor=alice, text=GOOD)
    assert _counts(engine) == (0, 0, 0, 0)


def test_the_cli_imports_a_file_with_mapped_columns_and_prints_the_report(
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "people.csv"
    path.write_text("\ufeffVorname,Nachname,Handy\nHans,Müller,+4915123456789\n", "utf-8")
    mapped = ["--map", "first_name=Vorname", "--map", "last_name=Nachname", "--map", "mobile=Handy"]
    assert cli.main(["import-people", str(path), *mapped]) == 0
    out = capsys.readouterr().out
    assert "Imported 1 rows: 1 created, 0 updated, 0 unchanged." in out
    assert _counts(engine)[:3] == (1, 0, 1)

    path.write_text("first_name,mobile\nA,+14155550160\nB,12\n", "utf-8")
    assert cli.main(["import-people", str(path)]) == 1
    err = capsys.readouterr().err
    assert "Nothing imported: 1 of 2 rows refused" in err
    assert "row 3: 12 is too short" in err
    assert _counts(engine)[:3] == (1, 0, 1)
    path.write_bytes(b"first_name\n\xff\xfe\n")
    assert cli.main(["import-people", str(path)]) == 1
    assert "is not UTF-8 text" in capsys.readouterr().err
    with Session(engine) as session:
        actors = session.exec(
            select(AuditEvent.actor).where(col(AuditEvent.action) == "people.imported")
        ).all()
    assert actors == ["system"]
