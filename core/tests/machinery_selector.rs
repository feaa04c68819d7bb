//! Label selectors against upstream's vectors (`labels/selector_test.go`: TestSelectorParse,
//! TestSetSelectorParser, TestSelectorMatches, TestToString; `apis/meta/v1/helpers_test.go`).

use std::collections::BTreeMap;

use kubesim::model::selector::*;

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(key, value)| (key.to_string(), value.to_string()))
        .collect()
}

fn parse_error(text: &str) -> String {
    Selector::parse(text).expect_err(text).message
}

/// TestSelectorParse: good inputs print back with spaces removed.
#[test]
fn selector_parse_round_trips() {
    for text in [
        "x=a,y=b,z=c",
        "",
        "x!=a,y=b",
        "x=",
        "x= ",
        "x=,z= ",
        "x= ,z= ",
        "!x",
        "x>1",
        "x>1,z<5",
    ] {
        let selector = Selector::parse(text).unwrap_or_else(|error| panic!("{text:?}: {error}"));
        assert_eq!(selector.to_string(), text.replace(' ', ""), "{text:?}");
    }
    for text in ["x=a||y=b", "x==a==b", "!x=a", "x<a"] {
        assert!(Selector::parse(text).is_err(), "{text:?}");
    }
}

#[test]
fn parse_sorts_by_key() {
    assert_eq!(Selector::parse("x=a,a=x").unwrap().to_string(), "a=x,x=a");
    assert_eq!(Selector::parse("a=x,x=a").unwrap().to_string(), "a=x,x=a");
    assert_eq!(
        Selector::parse("z notin (b, a), y").unwrap().to_string(),
        "y,z notin (a,b)"
    );
}

/// TestSetSelectorParser.
#[test]
fn set_selector_parser() {
    let accepted: [(&str, &str); 8] = [
        (
            "this-is-a-dns.domain.com/key-with-dash",
            "this-is-a-dns.domain.com/key-with-dash",
        ),
        ("x in (abc,def)", "x in (abc,def)"),
        ("x in (abc,)", "x in (,abc)"),
        ("x in ()", "x in ()"),
        (
            "x notin (abc,,def),bar,z in (),w",
            "bar,w,x notin (,abc,def),z in ()",
        ),
        ("foo  in\t (abc)", "foo in (abc)"),
        ("a in (x,y,notin, z,in)", "a in (in,notin,x,y,z)"),
        (
            "0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)",
            "0.1.2.domain/99 notin (10.10.100.1,tick.tack.clock)",
        ),
    ];
    for (text, printed) in accepted {
        let selector = Selector::parse(text).unwrap_or_else(|error| panic!("{text:?}: {error}"));
        assert_eq!(selector.to_string(), printed, "{text:?}");
    }
    let parsed = Selector::parse("x notin (abc,,def),bar,z in (),w").unwrap();
    let requirements = parsed.requirements();
    assert_eq!(requirements[0].key(), "bar");
    assert_eq!(requirements[0].operator(), Operator::Exists);
    assert_eq!(requirements[2].values(), ["", "abc", "def"]);
    assert_eq!(requirements[3].values(), [""]);

    for text in [
        "x=a||y=b",
        "x,,y",
        ",x,y",
        "x nott in (y)",
        "a in (xyz),",
        "a in (xyz)b notin ()",
        "a in (xyz abc)",
        "a notin(",
        "a (",
        "(",
    ] {
        assert!(Selector::parse(text).is_err(), "{text:?}");
    }
}

#[test]
fn parse_error_messages() {
    assert_eq!(
        parse_error("x,,y"),
        "found ',', expected: identifier after ','"
    );
    assert_eq!(
        parse_error(",x,y"),
        "found ',', expected: !, identifier, or 'end of string'"
    );
    assert_eq!(
        parse_error("("),
        "found '(', expected: !, identifier, or 'end of string'"
    );
    assert_eq!(
        parse_error("x nott in (y)"),
        "unable to parse requirement: found 'nott', expected: in, notin, =, ==, !=, gt, lt"
    );
    assert_eq!(
        parse_error("a ("),
        "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt"
    );
    assert_eq!(
        parse_error("a in (xyz),"),
        "found '', expected: identifier after ','"
    );
    assert_eq!(
        parse_error("a in (xyz)b notin ()"),
        "found 'b', expected: ',' or 'end of string'"
    );
    assert_eq!(
        parse_error("a in (xyz abc)"),
        "unable to parse requirement: found 'abc', expected: ',' or ')'"
    );
    assert_eq!(
        parse_error("a notin("),
        "unable to parse requirement: found '', expected: ',', ')' or identifier"
    );
    assert_eq!(
        parse_error("a in x"),
        "unable to parse requirement: found 'x' expected: '('"
    );
    assert_eq!(
        parse_error("x==a==b"),
        "found '==', expected: ',' or 'end of string'"
    );
    assert_eq!(
        parse_error("!x=a"),
        "found '=', expected: ',' or 'end of string'"
    );
    assert_eq!(
        parse_error("!"),
        "unable to parse requirement: found '', expected: identifier"
    );
    assert_eq!(
        parse_error("x<a"),
        "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer"
    );
    assert_eq!(
        parse_error("app: nginx"),
        "unable to parse requirement: <nil>: Invalid value: \"app:\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
    );
    assert_eq!(
        parse_error("x=a||y=b"),
        "unable to parse requirement: values[0][x]: Invalid value: \"a||y\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
    );
}

/// TestSelectorMatches / TestSelectorDoesNotMatch.
#[test]
fn selector_matches() {
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], bool);
    let cases: [Case; 14] = [
        ("", &[("x", "y")], true),
        ("x=y", &[("x", "y")], true),
        ("x!=y,z!=w", &[("x", "z"), ("z", "a")], true),
        ("notin=in", &[("notin", "in")], true),
        ("x", &[("x", "z")], true),
        ("!x", &[("y", "z")], true),
        ("x>1", &[("x", "2")], true),
        ("x<1", &[("x", "0")], true),
        ("x=z", &[], false),
        ("x=y", &[("x", "z")], false),
        ("x!=y,z!=w", &[("x", "z"), ("z", "w")], false),
        ("x", &[("y", "z")], false),
        ("!x", &[("x", "z")], false),
        ("x>1", &[("x", "0")], false),
    ];
    for (text, set, expected) in cases {
        let selector = Selector::parse(text).unwrap();
        assert_eq!(
            selector.matches(&labels(set)),
            expected,
            "{text:?} on {set:?}"
        );
    }
    // Gt/Lt need an integer label; notin holds when the key is absent.
    assert!(
        !Selector::parse("x>1")
            .unwrap()
            .matches(&labels(&[("x", "a")]))
    );
    assert!(
        Selector::parse("x notin (a)")
            .unwrap()
            .matches(&labels(&[]))
    );
    assert!(
        Selector::parse("x in (a,b)")
            .unwrap()
            .matches(&labels(&[("x", "b")]))
    );
}

/// TestToString.
#[test]
fn to_string_vectors() {
    let r = |key: &str, operator: Operator, values: &[&str]| {
        Requirement::new(
            key,
            operator,
            values.iter().map(|v| v.to_string()).collect(),
        )
        .unwrap()
    };
    let cases = [
        (
            vec![
                r("x", Operator::In, &["abc", "def"]),
                r("y", Operator::NotIn, &["jkl"]),
                r("z", Operator::Exists, &[]),
            ],
            "x in (abc,def),y notin (jkl),z",
        ),
        (
            vec![
                r("x", Operator::NotIn, &["abc", "def"]),
                r("y", Operator::NotEquals, &["jkl"]),
                r("z", Operator::DoesNotExist, &[]),
            ],
            "x notin (abc,def),y!=jkl,!z",
        ),
        (
            vec![
                r("x", Operator::Equals, &["abc"]),
                r("y", Operator::DoubleEquals, &["jkl"]),
                r("z", Operator::NotEquals, &["a"]),
                r("z", Operator::Exists, &[]),
            ],
            "x=abc,y==jkl,z!=a,z",
        ),
        (
            vec![
                r("x", Operator::GreaterThan, &["2"]),
                r("y", Operator::LessThan, &["8"]),
                r("z", Operator::Exists, &[]),
            ],
            "x>2,y<8,z",
        ),
        (
            vec![
                r("x", Operator::NotIn, &["abc"]),
                r("y", Operator::In, &["jkl", "mno"]),
                r("z", Operator::NotIn, &[""]),
            ],
            "x notin (abc),y in (jkl,mno),z notin ()",
        ),
    ];
    for (requirements, expected) in cases {
        assert_eq!(
            Selector::everything().add(requirements).to_string(),
            expected
        );
    }
}

#[test]
fn requirement_errors() {
    let error = Requirement::new("x", Operator::In, vec![]).unwrap_err();
    assert_eq!(
        error.message,
        "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty"
    );
    let error = Requirement::new("x", Operator::Exists, vec!["a".into()]).unwrap_err();
    assert_eq!(
        error.message,
        "values: Invalid value: []string{\"a\"}: values set must be empty for exists and does not exist"
    );
    let error =
        Requirement::new("-x", Operator::GreaterThan, vec!["a".into(), "1".into()]).unwrap_err();
    assert!(
        error
            .message
            .starts_with("[key: Invalid value: \"-x\": name part must consist"),
        "{error}"
    );
    assert!(error.message.contains(", values: Invalid value: []string{\"a\", \"1\"}: for 'Gt', 'Lt' operators, exactly one value is required, values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer]"), "{error}");
}

#[test]
fn everything_nothing_and_sets() {
    let anything = labels(&[("a", "b")]);
    assert!(Selector::everything().matches(&anything));
    assert!(Selector::everything().is_empty());
    assert!(!Selector::nothing().matches(&anything));
    assert!(!Selector::nothing().is_empty());
    assert_eq!(Selector::nothing().to_string(), "");
    assert!(Selector::parse("").unwrap().is_empty());

    let set = labels(&[("b", "2"), ("a", "1")]);
    let from_set = Selector::from_set(&set);
    assert_eq!(from_set.to_string(), "a=1,b=2");
    assert!(from_set.matches(&labels(&[("a", "1"), ("b", "2"), ("c", "3")])));
    assert!(!from_set.matches(&labels(&[("a", "1")])));
    assert!(Selector::from_set(&BTreeMap::new()).is_empty());
    assert_eq!(from_set.requires_exact_match("a"), Some("1"));
    assert_eq!(from_set.requires_exact_match("c"), None);
}

#[test]
fn label_selector_conversion() {
    // nil matches nothing, {} matches everything.
    let none = label_selector_as_selector(None).unwrap();
    assert!(!none.matches(&labels(&[])));
    let empty = LabelSelector::default().to_selector().unwrap();
    assert!(empty.matches(&labels(&[("x", "y")])));
    assert!(empty.is_empty());

    let selector = LabelSelector {
        match_labels: Some(labels(&[("app", "web")])),
        match_expressions: Some(vec![
            LabelSelectorRequirement {
                key: "tier".into(),
                operator: "In".into(),
                values: Some(vec!["front".into(), "back".into()]),
            },
            LabelSelectorRequirement {
                key: "canary".into(),
                operator: "DoesNotExist".into(),
                values: None,
            },
        ]),
    };
    let parsed = selector.to_selector().unwrap();
    assert_eq!(parsed.to_string(), "app=web,!canary,tier in (back,front)");
    assert!(parsed.matches(&labels(&[("app", "web"), ("tier", "back")])));
    assert!(!parsed.matches(&labels(&[
        ("app", "web"),
        ("tier", "back"),
        ("canary", "1")
    ])));
    assert_eq!(
        format_label_selector(Some(&selector)),
        "app=web,!canary,tier in (back,front)"
    );

    let bad_operator = LabelSelector {
        match_labels: None,
        match_expressions: Some(vec![LabelSelectorRequirement {
            key: "x".into(),
            operator: "Gt".into(),
            values: Some(vec!["1".into()]),
        }]),
    };
    assert_eq!(
        bad_operator.to_selector().unwrap_err().message,
        "\"Gt\" is not a valid label selector operator"
    );
    assert_eq!(format_label_selector(Some(&bad_operator)), "<error>");

    let empty_in = LabelSelector {
        match_labels: None,
        match_expressions: Some(vec![LabelSelectorRequirement {
            key: "x".into(),
            operator: "In".into(),
            values: None,
        }]),
    };
    assert_eq!(
        empty_in.to_selector().unwrap_err().message,
        "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty"
    );

    assert_eq!(format_label_selector(None), "<none>");
    assert_eq!(
        format_label_selector(Some(&LabelSelector::default())),
        "<none>"
    );
    assert_eq!(format_labels(None), "<none>");
    assert_eq!(format_labels(Some(&BTreeMap::new())), "<none>");
    assert_eq!(
        format_labels(Some(&labels(&[("b", "2"), ("a", "1")]))),
        "a=1,b=2"
    );
}

#[test]
fn label_selector_serde_shape() {
    let yaml = "matchLabels:\n  app: web\nmatchExpressions:\n- key: tier\n  operator: In\n  values:\n  - front\n";
    let selector: LabelSelector = serde_yaml::from_str(yaml).unwrap();
    assert_eq!(
        selector.to_selector().unwrap().to_string(),
        "app=web,tier in (front)"
    );
    assert_eq!(serde_yaml::to_string(&selector).unwrap(), yaml);
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// A parsed selector prints to a string that parses back to the same selector.
        #[test]
        fn string_form_parses_back(text in "[a-c!=<>(), 0-9]{0,20}|[a-c]{1,3}( in | notin )\\(([a-c]{0,2},){0,3}[a-c]{0,2}\\)") {
            if let Ok(selector) = Selector::parse(&text) {
                let printed = selector.to_string();
                let reparsed = Selector::parse(&printed).unwrap();
                prop_assert_eq!(reparsed.to_string(), printed);
            }
        }
    }
}

/// `write_memo_key` names a selector one-to-one: equal selectors give equal keys and
/// different ones different keys, including nothing against everything.
#[test]
fn memo_keys_are_one_to_one() {
    let key = |selector: &Selector| {
        let mut out = String::new();
        selector.write_memo_key(&mut out);
        out
    };
    let texts = [
        "",
        "a=b",
        "a==b",
        "a!=b",
        "a in (b)",
        "a in (b,c)",
        "a in (bc)",
        "a notin (b)",
        "a",
        "!a",
        "a=b,c=d",
        "a=bc",
        "ab=c",
        "x>1",
        "x<1",
    ];
    let selectors: Vec<Selector> = texts
        .iter()
        .map(|text| Selector::parse(text).expect(text))
        .chain([Selector::nothing()])
        .collect();
    for (i, left) in selectors.iter().enumerate() {
        for (j, right) in selectors.iter().enumerate() {
            assert_eq!(
                key(left) == key(right),
                left == right,
                "{i} {j}: {left:?} / {right:?}"
            );
        }
    }
    assert_eq!(
        key(&Selector::parse("c=d,a=b").unwrap()),
        key(&Selector::parse("a=b,c=d").unwrap())
    );
}
