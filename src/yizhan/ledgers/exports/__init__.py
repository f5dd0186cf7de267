"""Ledger exports: the standard 台账 as xlsx and as printable rosters.

- registry.LEDGERS — every standard ledger: names, the scoped read of its rows, its columns;
- writer.write_ledger_xlsx — the workbook (title, unit, date, headers, rows), streamed;
- service — who may export what for which region, and the audited export and print.

Decisions:
- Scope: each ledger's rows come from a selector scoped by jurisdiction, then narrow to the
  chosen region; a region outside the user's scope answers 404 (the command line: an error).
- Masking: a column holding a personal number (ID, phone, bank account) names its mask, and the
  export applies it unless the exporter holds REVEAL_PII — one rule for files, prints and CLI.
- Every export and every print is one audit event {"ledger", "rows", "full"} (+ "year").
- Files are written to a temporary file (constant memory) and streamed with FileResponse, large
  ones too: the only job queue is the import runs table itself, and a background export with a
  progress bar needs a run model of its own. Rosters over service.LARGE rows are not printed.
"""
