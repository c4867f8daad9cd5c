# One's own account.

account-language = Language
    .label = The language Pacer speaks to you
    .saved = Your language is saved.
account-language-default = The organisation’s, else my browser’s
save = Save

# The rest of one's account page: the weekly digest and the password.
account-title = My account
account-digest = Weekly digest
account-digest-opted-out = You have opted out of the weekly digest.
account-digest-goes-to = Each week your digest goes to
account-digest-no-address = Pacer has no e-mail address for you: give one to receive the weekly digest.
account-digest-see = See my digest
account-email = E-mail (leave empty to use your rep record's)
account-email-rep = E-mail (leave empty to use your rep record's, { $email })
account-digest-send = Send me the weekly digest by e-mail
account-digest-on = You receive the weekly digest.
account-password = Change password
account-password-current = Current password
account-password-new = New password (at least 10 characters)
account-password-signs-out = Changing the password signs you out everywhere.
account-password-wrong = the current password is wrong
account-password-changed = Password changed: sign in again.
