# Words every part of Pacer shares: fiscal periods, languages.

period-year = FY{ $fy }
period-half = H{ $i } FY{ $fy }
period-quarter = Q{ $i } FY{ $fy }
period-month = M{ $index } FY{ $fy }
period-week = W{ $index } FY{ $fy }

# Error and message pages.
error-back = Back to Pacer
error-not-saved = Not saved
error-field-refused = The field “{ $field }” was refused: { $reason }. Nothing was saved; go back and correct it.
error-form-unreadable = The form could not be read: { $reason }.
error-form-expired = Form expired
    .message = This form is out of date or was not sent by Pacer. Go back, reload the page and try again.
error-sign-in = Please sign in
    .message = Sign in to see this page.
error-forbidden = Not allowed
    .message = You are not allowed to do this.
error-not-found = Not found
    .message = There is no page at this address.
error-too-many = Too many attempts
error-too-large = What was sent is larger than Pacer accepts.
error-refused = That did not work
error-internal = Something went wrong
    .message = Pacer could not answer. The error has been logged; try again in a moment.
warning-lead = Warning:
