//! `resource.Quantity` against upstream's own vectors
//! (`staging/src/k8s.io/apimachinery/pkg/api/resource/quantity_test.go`).

use kubesim::model::quantity::{Quantity, QuantityError, QuantityFormat};

fn q(text: &str) -> Quantity {
    Quantity::parse(text).unwrap_or_else(|error| panic!("{text:?}: {error}"))
}

/// TestQuantityParseEmit, TestQuantityString and the quantity.go doc examples.
#[test]
fn parse_then_canonical() {
    let cases = [
        ("1Ki", "1Ki"),
        ("1Mi", "1Mi"),
        ("1Gi", "1Gi"),
        ("1024Mi", "1Gi"),
        ("1000M", "1G"),
        (".001Ki", "1024m"),
        (".000001Ki", "1024u"),
        (".000000001Ki", "1024n"),
        (".000000000001Ki", "2n"),
        ("1.5", "1500m"),
        ("1.5Gi", "1536Mi"),
        ("300Mi", "300Mi"),
        ("1080e-3", "1080e-3"),
        ("1e3", "1e3"),
        ("80e-3", "80e-3"),
        ("1025Ki", "1025Ki"),
        ("0", "0"),
        ("0Ki", "0"),
        ("100m", "100m"),
        ("0.5", "500m"),
        ("0.1Gi", "107374182400m"),
        ("3.001n", "4n"),
        ("0.00000012345", "124n"),
        ("9Ei", "9223372036854775807"),
        ("-9Ei", "-9223372036854775807"),
        ("12E", "12E"),
        ("50k", "50k"),
        ("100.035k", "100035"),
        ("0.0005k", "500m"),
        ("1.2e3", "1200"),
        ("-1.5", "-1500m"),
        ("+1.5", "1500m"),
        ("1.G", "1G"),
        ("1000E", "1000E"),
        ("1e+3", "1e3"),
        ("7e0", "7"),
    ];
    for (input, canonical) in cases {
        assert_eq!(q(input).canonical(), canonical, "input {input:?}");
        assert_eq!(q(input).to_string(), canonical, "Display of {input:?}");
    }
}

/// TestQuantityString: quantities built in code.
#[test]
fn constructed_canonical() {
    let cases = [
        (Quantity::from_bytes(300 * 1024 * 1024), "300Mi"),
        (Quantity::from_bytes(5), "5"),
        (
            Quantity::from_nanos(500_000_000, QuantityFormat::BinarySI),
            "500m",
        ),
        (Quantity::from_value(1_000_000_000), "1G"),
        (
            Quantity::from_nanos(1_080_000_000, QuantityFormat::DecimalSI),
            "1080m",
        ),
        (
            Quantity::from_nanos(1_080_000_000, QuantityFormat::DecimalExponent),
            "1080e-3",
        ),
        (
            Quantity::from_nanos(1_000_000_000_000, QuantityFormat::DecimalExponent),
            "1e3",
        ),
        (Quantity::from_value(3000), "3k"),
        (Quantity::from_bytes(1025), "1025"),
        (Quantity::from_value(0), "0"),
        (Quantity::from_milli(500), "500m"),
        (Quantity::from_milli(2000), "2"),
        (Quantity::from_bytes(1 << 30), "1Gi"),
        (Quantity::from_value(110), "110"),
    ];
    for (quantity, canonical) in cases {
        assert_eq!(quantity.canonical(), canonical, "{quantity:?}");
    }
}

/// TestQuantityParse: exact values in nano-units.
#[test]
fn parse_values() {
    let cases: [(&str, i128, QuantityFormat); 9] = [
        ("50k", 50_000 * 1_000_000_000, QuantityFormat::DecimalSI),
        (
            "100.035k",
            100_035 * 1_000_000_000,
            QuantityFormat::DecimalSI,
        ),
        ("0.0005k", 500_000_000, QuantityFormat::DecimalSI),
        (
            "1.2e3",
            1_200 * 1_000_000_000,
            QuantityFormat::DecimalExponent,
        ),
        ("3.001n", 4, QuantityFormat::DecimalSI),
        ("0.00000012345", 124, QuantityFormat::DecimalSI),
        (
            "9Ei",
            i64::MAX as i128 * 1_000_000_000,
            QuantityFormat::BinarySI,
        ),
        ("12E", 12 * 10i128.pow(27), QuantityFormat::DecimalSI),
        // Binary below one switches to DecimalSI at parse time.
        (".5Ki", 512 * 1_000_000_000, QuantityFormat::BinarySI),
    ];
    for (input, nanos, format) in cases {
        let parsed = q(input);
        assert_eq!(parsed.nano_value(), nanos, "{input}");
        assert_eq!(parsed.format(), format, "{input}");
    }
    assert_eq!(q(".000000000001Ki").format(), QuantityFormat::DecimalSI);
}

#[test]
fn invalid_inputs_carry_upstream_messages() {
    let format_wrong = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
    let suffix = "unable to parse quantity's suffix";
    let cases = [
        ("", format_wrong),
        ("1.1.M", format_wrong),
        ("1+1.0M", format_wrong),
        ("0.1am", format_wrong),
        ("aoeu", format_wrong),
        (" 1", format_wrong),
        ("1 ", format_wrong),
        ("0.1mi", suffix),
        (".5i", suffix),
        ("1i", suffix),
        ("-3.01i", suffix),
        ("-3.01e-", suffix),
        ("1e", suffix),
        ("1Ki3", suffix),
    ];
    for (input, message) in cases {
        let error = Quantity::parse(input).expect_err(input);
        assert_eq!(error.to_string(), message, "input {input:?}");
    }
    assert_eq!(
        QuantityError::Numeric.to_string(),
        "unable to parse numeric part of quantity"
    );
}

#[test]
fn value_and_milli_value_round_up_away_from_zero() {
    assert_eq!(q("1").milli_value(), 1000);
    assert_eq!(q("1n").milli_value(), 1);
    assert_eq!(q("1m").value(), 1);
    assert_eq!(q("1Ki").value(), 1024);
    assert_eq!(q("1.5").value(), 2);
    assert_eq!(q("-1.5").value(), -2);
    assert_eq!(q("250m").milli_value(), 250);
    assert_eq!(q("12E").value(), i64::MAX);
}

#[test]
fn comparison_is_by_value_only() {
    assert_eq!(q("1Gi"), q("1024Mi"));
    assert_eq!(q("1"), q("1000m"));
    assert_eq!(q("0.5"), Quantity::from_milli(500));
    assert!(q("1Gi") > q("1G"));
    assert!(q("100m") < q("1"));
    assert_ne!(q("1k"), q("1Ki"));
}

#[test]
fn canonicalized_prints_canonical() {
    let written = q("1024Mi");
    assert_eq!(serde_json::to_string(&written).unwrap(), "\"1024Mi\"");
    assert_eq!(
        serde_json::to_string(&written.canonicalized()).unwrap(),
        "\"1Gi\""
    );
    assert_eq!(written.canonicalized(), written);
}

#[test]
fn serde_round_trips_what_was_written() {
    for json in ["\"500m\"", "0.5", "2", "\"1024Mi\"", "-3", "\"1e3\""] {
        let parsed: Quantity = serde_json::from_str(json).unwrap();
        assert_eq!(serde_json::to_string(&parsed).unwrap(), json);
    }
    let from_number: Quantity = serde_json::from_str("0.5").unwrap();
    assert_eq!(from_number.canonical(), "500m");
    let yaml: std::collections::BTreeMap<String, Quantity> =
        serde_yaml::from_str("cpu: 0.5\nmemory: 128Mi\npods: 110\n").unwrap();
    assert_eq!(yaml["cpu"].milli_value(), 500);
    assert_eq!(yaml["memory"].value(), 128 << 20);
    let printed = serde_yaml::to_string(&yaml).unwrap();
    assert_eq!(printed, "cpu: 0.5\nmemory: 128Mi\npods: 110\n");
    // Constructed quantities serialize canonically.
    assert_eq!(
        serde_json::to_string(&Quantity::from_bytes(1 << 30)).unwrap(),
        "\"1Gi\""
    );
    // UnmarshalJSON trims whitespace inside the string.
    let trimmed: Quantity = serde_json::from_str("\" 1 \"").unwrap();
    assert_eq!(trimmed.value(), 1);
}

#[test]
fn serde_error_is_upstream_message() {
    let error = serde_json::from_str::<Quantity>("\"1.1.M\"").unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("quantities must match the regular expression"),
        "{error}"
    );
    let error = serde_json::from_str::<Quantity>("\"0.1mi\"").unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("unable to parse quantity's suffix"),
        "{error}"
    );
    assert!(serde_json::from_str::<Quantity>("true").is_err());
}

#[test]
fn add_and_sub() {
    assert_eq!(q("100m").add(&q("900m")).canonical(), "1");
    assert_eq!(Quantity::zero().add(&q("1Gi")).canonical(), "1Gi");
    assert_eq!(q("1Gi").sub(&q("512Mi")).canonical(), "512Mi");
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn any_format() -> impl Strategy<Value = QuantityFormat> {
        prop_oneof![
            Just(QuantityFormat::DecimalSI),
            Just(QuantityFormat::BinarySI),
            Just(QuantityFormat::DecimalExponent),
        ]
    }

    proptest! {
        /// The canonical form is lossless: it parses back to the same value.
        #[test]
        fn canonical_parses_back_to_same_value(nanos in -i64::MAX..=i64::MAX, scale in 0u32..12, format in any_format()) {
            // Binary magnitudes are capped at 2^63-1 units on parse, so stay within that.
            let scale = if format == QuantityFormat::BinarySI { scale.min(9) } else { scale };
            let nanos = i128::from(nanos) * 10i128.pow(scale);
            let quantity = Quantity::from_nanos(nanos, format);
            let reparsed = Quantity::parse(&quantity.canonical()).unwrap();
            prop_assert_eq!(reparsed.nano_value(), nanos, "{}", quantity.canonical());
            // A BinarySI value that is no multiple of 1024 prints as bare digits, which
            // parse back as DecimalSI (a quantity's format is its suffix's), so its next
            // canonical form may differ: -2348017188583901000 becomes -2348017188583901k,
            // as upstream's CanonicalizeBytes and parseQuantityString do. From there on
            // the canonical form is a fixed point.
            let again = Quantity::parse(&reparsed.canonical()).unwrap();
            prop_assert_eq!(again.nano_value(), nanos);
            prop_assert_eq!(again.canonical(), reparsed.canonical());
            if format != QuantityFormat::BinarySI || reparsed.format() == QuantityFormat::BinarySI {
                prop_assert_eq!(reparsed.canonical(), quantity.canonical());
            }
        }

        /// Parsing never panics, whatever the input.
        #[test]
        fn parse_never_panics(text in "[-+0-9.eEinumkKMGTP ]{0,24}") {
            let _ = Quantity::parse(&text);
        }
    }
}
