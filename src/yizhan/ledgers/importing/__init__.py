"""Ledger (台账) import: messy Excel and CSV files into the person registry, row by row, with an
outcome for every row and a report the clerk can correct and import again.

Entry points (all keyword-only):
- services.import_file(actor=, path=, kind=, region_code=, dry_run=False, batch_size=None) -> ImportRun
  the whole import of a file on disk, synchronously (command line, benchmarks);
- services.upload(...) / set_header_row(...) / set_mapping(...) / start_run(...) / cancel_run(...) —
  the web flow: an upload the worker reads (services.analyse_upload: limits, header, preview) into
  a draft, then queued runs that `run_jobs` (ledgers/jobs.py) executes via services.execute_run;
- report.write_report(run=, out=) and report.errors_of(run) — the error report and error list;
- undo.undo_run(actor=, run=) — undo while nobody touched the run's rows.

Decisions:
- The runs tables (ImportRun, and ExportRun for large exports) are the job queue (status,
  progress, heartbeat and cursor on the row, core.jobs the runner, `yizhan run_jobs` the worker).
- A person repeated in one file: the first row with an ID number is the one imported; every later
  row with that number is rejected "与第 N 行是同一人", whatever the first row's outcome, so the
  clerk decides which row is right (identical repeats too: a duplicate row is still a mistake in
  the ledger). Blanking the repeated row makes it an ignored blank row.
- Outcome of a row: created if it created the person or the kind's record (service record,
  relation, registration, award), updated if it only filled empty registry fields, else unchanged.
- People the `people` kind creates are bulk-inserted per batch through people.create_people, each
  with his own person.create event (one batch append); every other write goes through the
  people/conscription services and their audit.
- xlsx above reading.CALAMINE_MAX_BYTES is read with openpyxl's streaming reader: calamine
  loads the whole sheet into memory.
- The command line applies no mapping template (the header synonyms only); uploads do.
"""
