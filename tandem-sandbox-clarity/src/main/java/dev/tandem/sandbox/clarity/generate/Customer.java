package dev.tandem.sandbox.clarity.generate;

import dev.tandem.sandbox.clarity.model.AccountModel;
import dev.tandem.sandbox.clarity.model.ContactModel;
import dev.tandem.sandbox.clarity.model.UserModel;

/** A storefront customer as CEF models one: an account, its user and the user's contact (spec §6). */
public record Customer(AccountModel account, UserModel user, ContactModel contact) {
}
