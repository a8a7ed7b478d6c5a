package dev.tandem.sandbox.clarity.generate;

import dev.tandem.sandbox.clarity.generate.Country.Place;
import java.math.BigDecimal;
import java.util.List;

/**
 * Countries customers come from, weighted towards the US as a US-hosted store would be. Phone patterns use the ranges
 * reserved for fiction where one exists (US/CA 555-01xx, UK 020 7946 0xxx, AU 02 5550 xxxx); {@code #} is a digit.
 * A few names are non-ASCII on purpose: integrations must carry them unchanged.
 */
final class Countries {

    static final Country US = new Country("USA", "United States of America", new BigDecimal("0.0825"),
            "+1 ###-555-01##",
            List.of(new Place("Austin", "TX", "Texas", "78701"),
                    new Place("San Francisco", "CA", "California", "94105"),
                    new Place("New York", "NY", "New York", "10001"),
                    new Place("Chicago", "IL", "Illinois", "60601"),
                    new Place("Seattle", "WA", "Washington", "98101"),
                    new Place("Boston", "MA", "Massachusetts", "02108"),
                    new Place("Denver", "CO", "Colorado", "80202"),
                    new Place("Miami", "FL", "Florida", "33131")),
            List.of("Main St", "Oak Ave", "Congress Ave", "Market St", "Pine St", "Maple Dr", "Elm St", "Lake Shore Dr"),
            List.of("James", "Mary", "Robert", "Patricia", "Michael", "Jennifer", "David", "Linda", "José", "Zoë",
                    "Aaliyah", "Ethan"),
            List.of("Smith", "Johnson", "Williams", "Brown", "Garcia", "Miller", "Davis", "Rodríguez", "Nguyen",
                    "O'Connor", "Kim", "Patel"),
            List.of("example.com", "example.net", "mail.example.org"));

    static final Country CA = new Country("CAN", "Canada", new BigDecimal("0.1300"), "+1 416-555-01##",
            List.of(new Place("Toronto", "ON", "Ontario", "M5H 2N2"),
                    new Place("Vancouver", "BC", "British Columbia", "V6B 1A1"),
                    new Place("Montréal", "QC", "Quebec", "H2Y 1C6"),
                    new Place("Calgary", "AB", "Alberta", "T2P 1J9")),
            List.of("King St W", "Rue Saint-Paul", "Granville St", "Bay St", "Stephen Ave"),
            List.of("Liam", "Olivia", "Noah", "Emma", "Félix", "Chloé", "William", "Sophie"),
            List.of("Tremblay", "Roy", "Gagnon", "MacDonald", "Wilson", "Côté", "Martin", "Lee"),
            List.of("example.ca", "example.com"));

    static final Country GB = new Country("GBR", "United Kingdom", new BigDecimal("0.2000"), "+44 20 7946 0###",
            List.of(new Place("London", "ENG", "England", "EC1A 1BB"),
                    new Place("Manchester", "ENG", "England", "M1 1AE"),
                    new Place("Edinburgh", "SCT", "Scotland", "EH1 1YZ"),
                    new Place("Cardiff", "WLS", "Wales", "CF10 1EP")),
            List.of("High Street", "Station Road", "Church Lane", "Victoria Road", "Princes Street"),
            List.of("Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Siobhan", "Rhys"),
            List.of("Jones", "Taylor", "Evans", "Thomas", "Roberts", "Walker", "Ó Briain", "Hughes"),
            List.of("example.co.uk", "example.com"));

    static final Country DE = new Country("DEU", "Germany", new BigDecimal("0.1900"), "+49 30 #######",
            List.of(new Place("Berlin", "BE", "Berlin", "10115"),
                    new Place("München", "BY", "Bayern", "80331"),
                    new Place("Hamburg", "HH", "Hamburg", "20095"),
                    new Place("Köln", "NW", "Nordrhein-Westfalen", "50667")),
            List.of("Hauptstraße", "Bahnhofstraße", "Schillerstraße", "Gartenweg", "Königsallee"),
            List.of("Lukas", "Mia", "Jürgen", "Lena", "Björn", "Anna", "Maximilian", "Sophie"),
            List.of("Müller", "Schmidt", "Schneider", "Fischer", "Weiß", "Becker", "Groß", "Hoffmann"),
            List.of("example.de", "example.com"));

    static final Country FR = new Country("FRA", "France", new BigDecimal("0.2000"), "+33 1 ## ## ## ##",
            List.of(new Place("Paris", "IDF", "Île-de-France", "75001"),
                    new Place("Lyon", "ARA", "Auvergne-Rhône-Alpes", "69001"),
                    new Place("Marseille", "PAC", "Provence-Alpes-Côte d'Azur", "13001")),
            List.of("Rue de Rivoli", "Avenue des Champs-Élysées", "Rue de la République", "Boulevard Haussmann"),
            List.of("Léa", "Hugo", "Chloé", "Louis", "François", "Manon", "Amélie", "Théo"),
            List.of("Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Laurent", "Girard", "Rousseau"),
            List.of("example.fr", "example.com"));

    static final Country AU = new Country("AUS", "Australia", new BigDecimal("0.1000"), "+61 2 5550 ####",
            List.of(new Place("Sydney", "NSW", "New South Wales", "2000"),
                    new Place("Melbourne", "VIC", "Victoria", "3000"),
                    new Place("Brisbane", "QLD", "Queensland", "4000"),
                    new Place("Perth", "WA", "Western Australia", "6000")),
            List.of("George St", "Collins St", "Queen St", "Hay St", "Pitt St"),
            List.of("Jack", "Charlotte", "Oliver", "Matilda", "Lachlan", "Ruby", "Mia", "Kai"),
            List.of("Wilson", "Anderson", "Thompson", "Ryan", "Nguyen", "Kelly", "Zhang", "Murphy"),
            List.of("example.com.au", "example.com"));

    /** Draw weights: US half of all customers, the rest spread. */
    static final List<Country> WEIGHTED = List.of(US, US, US, US, US, CA, GB, GB, DE, FR, AU);

    static final List<Country> ALL = List.of(US, CA, GB, DE, FR, AU);

    private Countries() {
    }

    static Country byCode(String code) {
        return ALL.stream().filter(c -> c.code().equals(code)).findFirst().orElse(US);
    }
}
