"""Ledger exports: the standard 台账 as xlsx and as printable rosters.

- registry.LEDGERS — every standard ledger: names, the scoped read of its rows, its columns;
  columns.py says what a ledger and a column are, and the ledgers are written one module per
  area: ledgers_people (花名册), ledgers_armed (兵役, 征兵, 民兵), ledgers_benefits (优待金, 光荣牌,
  喜报, 优待证), ledgers_care (走访慰问);
- writer.write_ledger_xlsx — the workbook (title, unit, date, headers, rows), streamed;
- service — who may export what for which region, and the audited export and print;
- runs — exports above runs.BACKGROUND_ABOVE rows: queued, written by `run_jobs`, downloaded.

Decisions:
- Scope: each ledger's rows come from a selector scoped by jurisdiction, then narrow to the
  chosen region; a region outside the user's scope answers 404 (the command line: an error).
- Masking: a column holding a personal number (ID, phone, bank account) names its mask, and the
  export applies it unless the exporter holds REVEAL_PII — one rule for files, prints and CLI.
- Every export and every print is one audit event {"ledger", "rows", "full"} (+ "year").
- Up to runs.BACKGROUND_ABOVE rows (5,000) the file is written during the request to an anonymous
  temporary file (constant memory) and streamed with FileResponse. Above it the page queues an
  ExportRun — the runs table is the queue, as for imports, so no new dependency — and shows its
  status page, a progress bar polled by htmx; the worker writes the file as the requester (scope
  and masking as they are when it runs) under DATA_DIR/exports, reporting progress every
  service.PROGRESS_EVERY rows. The "export" audit event is written when the file is complete, and
  every download is audited again ("export.download"). A run and its file are the requester's
  alone, while his posts still cover the region (else 404, as missing); a file in full needs the
  reveal permission at download time too. The worker deletes files older than 7 days.
- Rosters over service.LARGE rows are not printed.
"""
