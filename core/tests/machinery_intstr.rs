//! `IntOrString` scaling and `ResolveFenceposts`, with upstream's vectors
//! (`util/intstr/intstr_test.go` TestGetIntFromIntOrPercent,
//! `pkg/controller/deployment/util/deployment_util_test.go` TestResolveFenceposts).

use kubesim::model::intstr::{IntOrString, resolve_fenceposts};

fn s(text: &str) -> IntOrString {
    IntOrString::String(text.to_string())
}

/// TestResolveFenceposts.
#[test]
fn resolve_fenceposts_vectors() {
    type Case<'a> = (Option<&'a str>, Option<&'a str>, i32, Option<(i32, i32)>);
    let cases: [Case; 7] = [
        (Some("0%"), Some("0%"), 0, Some((0, 1))),
        (Some("39%"), Some("39%"), 10, Some((4, 3))),
        (Some("oops"), Some("39%"), 10, None),
        (Some("55%"), Some("urg"), 10, None),
        (None, Some("39%"), 10, Some((0, 3))),
        (Some("39%"), None, 10, Some((4, 0))),
        (None, None, 10, Some((0, 1))),
    ];
    for (surge, unavailable, desired, expected) in cases {
        let surge = surge.map(s);
        let unavailable = unavailable.map(s);
        let got = resolve_fenceposts(surge.as_ref(), unavailable.as_ref(), desired);
        assert_eq!(got.ok(), expected, "{surge:?} {unavailable:?} {desired}");
    }
}

#[test]
fn ints_pass_through_and_percent_rounds() {
    assert_eq!(IntOrString::Int(5).scaled_value(10, true), Ok(5));
    assert_eq!(
        resolve_fenceposts(Some(&IntOrString::Int(1)), Some(&IntOrString::Int(0)), 3),
        Ok((1, 0))
    );
    // TestGetIntFromIntOrPercent-style: 90% of 10, 50% of 5 up/down, 100% of 5.
    assert_eq!(s("90%").scaled_value(10, true), Ok(9));
    assert_eq!(s("50%").scaled_value(5, true), Ok(3));
    assert_eq!(s("50%").scaled_value(5, false), Ok(2));
    assert_eq!(s("100%").scaled_value(5, false), Ok(5));
    assert_eq!(s("25%").scaled_value(0, true), Ok(0));
    assert_eq!(s("-10%").scaled_value(15, false), Ok(-2));
}

#[test]
fn errors_are_upstream_messages() {
    assert_eq!(
        s("5").scaled_value(10, true),
        Err("invalid value for IntOrString: invalid type: string is not a percentage".to_string())
    );
    assert_eq!(
        s("oops%").scaled_value(10, true),
        Err(
            "invalid value for IntOrString: invalid value \"oops%\": strconv.Atoi: parsing \"oops\": invalid syntax"
                .to_string()
        )
    );
    assert_eq!(
        resolve_fenceposts(Some(&s("oops")), None, 10),
        Err("invalid value for IntOrString: invalid type: string is not a percentage".to_string())
    );
}

#[test]
fn display_and_serde() {
    assert_eq!(IntOrString::Int(3).to_string(), "3");
    assert_eq!(s("25%").to_string(), "25%");
    let parsed: Vec<IntOrString> = serde_json::from_str("[1, \"25%\"]").unwrap();
    assert_eq!(parsed, vec![IntOrString::Int(1), s("25%")]);
    assert_eq!(serde_json::to_string(&parsed).unwrap(), "[1,\"25%\"]");
    assert!(s("25%").is_percent());
    assert!(!IntOrString::Int(25).is_percent());
}
