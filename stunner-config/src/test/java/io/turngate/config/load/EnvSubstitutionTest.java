package io.turngate.config.load;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Cases follow Go's os.Expand (src/os/env.go and env_test.go behaviour). */
class EnvSubstitutionTest {
    private static final Map<String, String> ENV = Map.of(
            "HOME", "/home/u", "A", "x", "A_1", "y", "*", "all", "1", "one", "$", "dollar", "a b", "spaced");

    @ParameterizedTest(name = "[{0}] -> [{1}]")
    @CsvSource(delimiter = '|', emptyValue = "", value = {
            "plain text            | plain text",
            "$HOME/x               | /home/u/x",
            "${HOME}/x             | /home/u/x",
            "$A_1-                 | y-",
            "$A.$A                 | x.x",
            "${A}_1                | x_1",
            "$UNSET|",
            "a${UNSET}b            | ab",
            "$                     | $",
            "a$                    | a$",
            "$%                    | $%",
            "$ x                   | $ x",
            "$$                    | dollar",
            "$$A                   | dollarA",
            "$*                    | all",
            "${*}                  | all",
            "$1x                   | onex",
            "${1}                  | one",
            "$-                    | ''",
            "${}                   | ''",
            "a${}b                 | ab",
            "${A                   | A",
            "x${HOME               | xHOME",
            "${a b}                | spaced",
            "pa$$word              | padollarword",
            "é$Aé                  | éxé",
    })
    void expandsLikeGo(String in, String out) {
        assertEquals(out == null ? "" : out, EnvSubstitution.expand(in, ENV));
    }

    @Test
    void unchangedTextIsReturnedAsIs() {
        String s = "no dollars here";
        assertSame(s, EnvSubstitution.expand(s, ENV));
    }

    @Test
    void portDefaultsToPublicPortThen3478() {
        assertEquals("3478", EnvSubstitution.withPortDefault(Map.of()).get("STUNNER_PORT"));
        assertEquals("5000", EnvSubstitution.withPortDefault(Map.of("STUNNER_PUBLIC_PORT", "5000")).get("STUNNER_PORT"));
        assertEquals("4000", EnvSubstitution.withPortDefault(
                Map.of("STUNNER_PORT", "abc", "STUNNER_PUBLIC_PORT", "4000")).get("STUNNER_PORT"));
        assertEquals("3478", EnvSubstitution.withPortDefault(
                Map.of("STUNNER_PORT", "", "STUNNER_PUBLIC_PORT", "x")).get("STUNNER_PORT"));
        assertEquals("6000", EnvSubstitution.withPortDefault(
                Map.of("STUNNER_PORT", "6000", "STUNNER_PUBLIC_PORT", "4000")).get("STUNNER_PORT"));
        assertEquals("3478", EnvSubstitution.withPortDefault(null).get("STUNNER_PORT"));
    }
}
