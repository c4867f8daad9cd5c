# The import page (admins): upload, preview, result; the reasons of rejected rows are the
# import parser's.

import-title = Import
import-heading = Import a file
import-intro = CSV (any delimiter; UTF-8, UTF-16 or Windows-1252, detected) or XLSX, straight from the CRM: the export is recognised from its header, and a report's title, totals and footer are left out (and listed). You will see the first rows and every problem before anything is written. See docs/import.md.
import-kind = What the file holds
import-kind-reps = reps
import-kind-teams = teams
import-kind-activities = activities
import-kind-deals = deals
import-kind-subscriptions = subscriptions
import-preset = Preset
import-preset-none = (recognise it from the header, or the mapping below)
import-mapping = Mapping (TOML), instead of a preset
import-date-order = Dates like 03/04/2026 read
import-date-ask = (ask when ambiguous)
import-month-first = month first (US)
import-day-first = day first (Europe)
import-encoding = Encoding (CSV)
import-encoding-placeholder = detected (e.g. windows-1252, utf-16le)
import-sheet = Sheet (XLSX)
import-sheet-placeholder = first sheet
import-file = File
import-preview = Preview
import-preview-title = Import preview
import-preview-heading = Preview: { $file }
import-counts = { $rows } rows; { $good } ready, { $rejected } with problems. Nothing has been written yet.
import-read-as = read as { $encoding }
import-delimiter = delimiter { $delimiter }
import-tab = tab
import-report-rows = { $count } report row(s) left out (title, totals or footer): { $rows }
import-report-row = row { $row } { $text }
import-keyed-by-content = The file has no id column, so each record is keyed by its content: importing it again changes nothing.
import-no-amount = { $count ->
        [one] 1 open deal has no amount; it counts at 0 in the pipeline until the CRM gives one
       *[other] { $deals } open deals have no amount; they count at 0 in the pipeline until the CRM gives one
    }
import-no-close-date = { $count ->
        [one] 1 open deal has no close date; it is in the pipeline under 'no close date' and in no period's forecast
       *[other] { $deals } open deals have no close date; they are in the pipeline under 'no close date' and in no period's forecast
    }
import-first-rows = First rows
import-row = Row
import-status = Status
import-problem = problem
import-ok = ok
import-problems = Problems
import-column = Column
import-value = Value
import-reason = Reason
import-more = … and { $count } more.
import-skip-invalid = Import the good rows and leave the others out
import-import = Import
import-start-over = Start over
import-rows-with-problems = { $count ->
        [one] { $rows } row has problems: nothing was imported
       *[other] { $rows } rows have problems: nothing was imported
    }
import-done-title = Imported
import-done-heading = Imported { $file }
import-done-counts = { $new } new, { $updated } updated, { $unchanged } unchanged, { $rejected } left out.
import-download-rejects = Download the rows left out, with their reasons
import-another = Import another file
import-columns = Its columns: { $columns }.
import-to-finish = A mapping to finish
import-to-finish-help = Pacer mapped the columns it recognised; fill in the commented lines (a leading #) that the file can feed, then preview again. See docs/import.md.
import-mapping-toml = Mapping (TOML)
import-preview-again = Preview again
import-choose-file = choose a file to import
import-upload-unreadable = the upload is not readable: { $reason }
import-file-unreadable = the file is not readable: { $reason }
import-file-lost = the file was lost on the way: upload it again
import-mapping-error = mapping: { $reason }
import-unknown-preset = unknown preset { $name }
import-mapping-kind = the mapping is for { $mapping }, not { $kind }
