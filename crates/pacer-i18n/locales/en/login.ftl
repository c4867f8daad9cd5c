# The sign-in page (before sign-in: the browser's language), and what any page says of an
# address it cannot read.

login-sign-in = Sign in
login-heading = Sign in to Pacer
login-username = User name
login-password = Password
login-wrong = User name or password is wrong.
login-too-many = too many failed sign-ins: try again in { $count ->
        [one] { $seconds } second
       *[other] { $seconds } seconds
    }

page-address-unreadable = The address could not be read: { $reason }.
page-filter-unreadable = The filter { $name } = { $value } could not be read ({ $reason }): choose a value from the form, or leave it blank.
page-filters-unreadable = The filters could not be read: { $reason }.
