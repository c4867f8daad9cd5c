# One's own account.

account-language = Language
    .label = The language Pacer speaks to you
    .saved = Your language is saved.
account-language-default = The organisation’s, else my browser’s
save = Save
