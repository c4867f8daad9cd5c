# Son propre compte.

account-language = Langue
    .label = La langue dans laquelle Pacer s’adresse à vous
    .saved = Votre langue est enregistrée.
account-language-default = Celle de l’organisation, sinon celle de mon navigateur
save = Enregistrer
