package io.leadline.leads.account.rest;

import io.leadline.leads.account.Account;

public record AccountView(long id, String username, String role) {

    public static AccountView of(Account account) {
        return new AccountView(account.id(), account.username(), account.role().wireName());
    }
}
