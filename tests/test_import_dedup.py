"""De-duplication: re-imports add nothing, matches fill in and merge but never blank out."""

from __future__ import annotations

from pathlib import Path

from planner.io.importers import import_file
from planner.services.contacts import ContactFields, add_contact, edit_contact, get_view, list_contacts
from planner.store.models import Contact, ContactEmail, ContactPhone, ContactTag

FIXTURES = Path(__file__).parent / "fixtures" / "import"
ALL = ["linkedin_connections.csv", "linkedin_old.csv", "google_current.csv", "google_legacy.csv",
       "android_v21.vcf", "apple_v30.vcf", "modern_v40.vcf"]


def row_counts() -> tuple[int, int, int, int]:
    return (Contact.select().count(), ContactEmail.select().count(), ContactPhone.select().count(),
            ContactTag.select().count())


def test_reimporting_every_fixture_adds_and_changes_nothing(db_path):
    for name in ALL:
        import_file(FIXTURES / name, tags=["imported"])
    before = row_counts()
    stamps = {c.id: c.updated_at for c in Contact.select()}
    for name in ALL:
        report = import_file(FIXTURES / name, tags=["imported"])
        assert (report.added, report.updated) == (0, 0), name
        assert report.unchanged > 0
    assert row_counts() == before
    assert {c.id: c.updated_at for c in Contact.select()} == stamps


def test_email_match_fills_empty_fields_and_merges_lists(db_path, tmp_path):
    own = add_contact(ContactFields(name="Gosia W.", emails=["GOSIA@allegro.example"], phones=["+48601234567"],
                                    notes="my own words", tags=["warm"]))
    report = import_file(FIXTURES / "google_current.csv")
    assert report.updated == 1 and report.added == 3
    view = get_view(own.id)
    assert view.name == "Gosia W."  # the user's name for them stays
    assert view.notes == "my own words"  # never overwritten
    assert view.company == "Allegro" and view.title == "CTO"  # empty fields filled
    assert view.emails == ["GOSIA@allegro.example", "m.wisniewska@example.pl", "gosia.home@example.pl"]
    assert view.phones == ["+48601234567", "+48 22 123 45 67"]  # same number in another format not repeated
    assert view.tags == ["clients", "vip", "warm"]
    assert view.source == "manual"
    assert list_contacts(search="wisniewska")[0].id == own.id  # the search text knows the new email


def test_linkedin_url_match_survives_a_new_name(db_path, tmp_path):
    import_file(FIXTURES / "linkedin_connections.csv")
    zoe = next(v for v in list_contacts() if v.name == "Zoë Ångström")
    edit_contact(zoe.id, ContactFields(name="Zoë Ångström-Berg", company="Elsewhere AG"))
    path = tmp_path / "Connections.csv"
    path.write_text("First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
                    "Zoë,Ångström,https://linkedin.com/in/ZOE-ANGSTROM-4b2a1/,zoe@example.se,Other,CEO,28 Sep 2026\n",
                    encoding="utf-8")
    report = import_file(path)
    assert (report.added, report.updated) == (0, 1)
    view = get_view(zoe.id)
    assert view.name == "Zoë Ångström-Berg" and view.company == "Elsewhere AG"
    assert view.emails == ["zoe@example.se"]


def test_name_and_company_match_is_accent_and_case_insensitive(db_path, tmp_path):
    own = add_contact(ContactFields(name="Jose Nunez", company="TELEFONICA"))
    report = import_file(FIXTURES / "linkedin_connections.csv")
    assert report.updated == 1
    assert get_view(own.id).emails == ["jose.nunez@example.es"]


def test_same_name_at_same_company_with_another_profile_is_another_person(db_path, tmp_path):
    path = tmp_path / "Connections.csv"
    path.write_text("First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
                    "John,Smith,https://www.linkedin.com/in/john-smith-1,,IBM,Sales,01 Jan 2024\n"
                    "John,Smith,https://www.linkedin.com/in/john-smith-2,,IBM,Research,02 Jan 2024\n",
                    encoding="utf-8")
    report = import_file(path)
    assert report.added == 2 and report.merged == 0


def test_rows_repeating_in_one_file_merge(db_path, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("name,email,phone,tags\nAna Lima,ana@example.br,,\nAna Lima,ANA@example.br,+55 11 5555,sp\n",
                    encoding="utf-8")
    report = import_file(path)
    assert (report.added, report.merged) == (1, 1)
    ana = list_contacts()[0]
    assert (ana.emails, ana.phones, ana.tags) == (["ana@example.br"], ["+55 11 5555"], ["sp"])


def test_tags_and_cadence_options(db_path):
    existing = add_contact(ContactFields(name="Siobhán O'Brien", company="Accenture", cadence_days=30))
    report = import_file(FIXTURES / "apple_v30.vcf", tags=["Dublin 2026"], cadence=91)
    assert (report.added, report.updated) == (1, 1)
    people = {v.name: v for v in list_contacts()}
    assert people["Siobhán O'Brien"].own_cadence_days == 30  # --every is for added contacts only
    assert "dublin 2026" in people["Siobhán O'Brien"].tags
    added = people["Dr. Agnieszka Maria Kowalczyk-Łęcka"]
    assert added.own_cadence_days == 91 and added.tags == ["academia", "dublin 2026"]
    assert existing.id == people["Siobhán O'Brien"].id


def test_cadence_none_means_never_scheduled(db_path):
    import_file(FIXTURES / "modern_v40.vcf", cadence=None)
    view = list_contacts()[0]
    assert view.cadence_days is None and view.cadence_from is None


def test_dry_run_reports_and_writes_nothing(db_path):
    before = row_counts()
    report = import_file(FIXTURES / "google_current.csv", dry_run=True, tags=["x"])
    assert report.dry_run and report.added == 4
    assert report.added_ids == []
    assert row_counts() == before


def test_archived_contacts_are_matched_not_duplicated(db_path):
    from planner.services.contacts import set_archived

    import_file(FIXTURES / "modern_v40.vcf")
    amara = list_contacts()[0]
    set_archived(amara.id, True)
    report = import_file(FIXTURES / "modern_v40.vcf")
    assert report.added == 0 and Contact.select().count() == 1
    assert get_view(amara.id).archived


def linkedin_rows(path, start: int, rows: int):
    lines = ["First Name,Last Name,URL,Email Address,Company,Position,Connected On"]
    lines += [f"Row,Person{i},https://www.linkedin.com/in/row-{i},row{i}@example.org,Acme,Eng,01 Jan 2025"
              for i in range(start, start + rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_matching_and_writing_take_the_same_queries_for_100_or_350_rows(db_path, tmp_path):
    from playhouse.test_utils import count_queries

    from planner.io.importers import linkedin
    from planner.io.importers.apply import apply_records
    from planner.io.importers.common import ImportReport, decode_file

    import_file(linkedin_rows(tmp_path / "seed.csv", 0, 60))  # stored contacts to match against
    lookups, writes = [], []
    for start, rows in ((1000, 100), (2000, 350)):
        path = linkedin_rows(tmp_path / f"f{rows}.csv", start, rows)
        parsed = linkedin.parse(decode_file(path), path)
        with count_queries() as counter:
            apply_records(parsed, ImportReport(format="linkedin", dry_run=True), source="linkedin")
        lookups.append(counter.count)
        with count_queries() as counter:
            report = apply_records(parsed, ImportReport(format="linkedin"), source="linkedin")
        writes.append(counter.count)
        assert report.added == rows
    assert 1 <= lookups[0] == lookups[1] <= 4  # contacts, emails, phones, tags: loaded once
    assert lookups[0] < writes[0] == writes[1]  # bulk inserts, not a statement per row


def test_a_changed_employer_is_kept_but_reported(db_path, tmp_path):
    import_file(FIXTURES / "linkedin_connections.csv")
    path = tmp_path / "Connections.csv"
    path.write_text("First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
                    "José,Núñez,https://www.linkedin.com/in/jose-nunez,,Banco Santander,Senior Recruiter,03 Feb 2025\n",
                    encoding="utf-8")
    report = import_file(path)
    assert report.unchanged == 1
    assert report.warnings == [(2, "José Núñez: the file says company 'Banco Santander', kept yours ('Telefónica')")]
    assert next(v for v in list_contacts() if v.name == "José Núñez").company == "Telefónica"
