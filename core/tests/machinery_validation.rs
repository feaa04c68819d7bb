//! Name/label validation and field errors, with upstream's vectors
//! (`util/validation/validation_test.go`: TestIsDNS1123Label, TestIsDNS1123Subdomain,
//! TestIsDNS1035Label, TestIsQualifiedName, TestIsValidLabelValue).

use std::collections::BTreeMap;

use kubesim::model::validation::*;

const DNS1123_LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1123_SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const NAME_PART_MSG: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

fn a(count: usize) -> String {
    "a".repeat(count)
}

#[test]
fn dns1123_label() {
    for good in [
        "a",
        "ab",
        "abc",
        "a1",
        "a-1",
        "a--1--2--b",
        "0",
        "01",
        "012",
        "1a",
        "1-a",
        "1--a--b--2",
    ]
    .map(String::from)
    .into_iter()
    .chain([a(63)])
    {
        assert_eq!(is_dns1123_label(&good), Vec::<String>::new(), "{good}");
    }
    for bad in [
        "", "A", "ABC", "aBc", "A1", "A-1", "1-A", "-", "a-", "-a", "1-", "-1", "_", "a_", "_a",
        "a_b", "1_", "_1", "1_2", ".", "a.", ".a", "a.b", "1.", ".1", "1.2", " ", "a ", " a",
        "a b", "1 ", " 1", "1 2",
    ]
    .map(String::from)
    .into_iter()
    .chain([a(64)])
    {
        assert!(!is_dns1123_label(&bad).is_empty(), "{bad:?}");
    }
    assert_eq!(is_dns1123_label("A"), vec![DNS1123_LABEL_MSG.to_string()]);
    assert_eq!(
        is_dns1123_label("a.b"),
        vec!["must not contain dots".to_string()]
    );
    assert_eq!(
        is_dns1123_label(&a(64)),
        vec!["must be no more than 63 characters".to_string()]
    );
}

#[test]
fn dns1123_subdomain() {
    for good in [
        "a",
        "ab",
        "a-1",
        "a.a",
        "a.b.c.d.e",
        "1.2.3.4.5",
        "aa.bb.cc",
        "a1-b2.c3-d4",
        "0.a",
    ]
    .map(String::from)
    .into_iter()
    .chain([a(253)])
    {
        assert_eq!(is_dns1123_subdomain(&good), Vec::<String>::new(), "{good}");
    }
    for bad in [
        "", "A", "aBc", "a..b", "-", "a-", "-a", "a.-a", "a-.a", "_", "a_b", "a b", ".", "a.", ".a",
    ]
    .map(String::from)
    .into_iter()
    .chain([a(254)])
    {
        assert!(!is_dns1123_subdomain(&bad).is_empty(), "{bad:?}");
    }
    assert_eq!(
        is_dns1123_subdomain("Foo"),
        vec![DNS1123_SUBDOMAIN_MSG.to_string()]
    );
}

#[test]
fn dns1035_label() {
    for good in ["a", "ab", "a-1", "a--1--2--b"]
        .map(String::from)
        .into_iter()
        .chain([a(63)])
    {
        assert_eq!(is_dns1035_label(&good), Vec::<String>::new(), "{good}");
    }
    for bad in ["0", "01", "1a", "1-a", "", "A", "a-", "-a", "a.b", "a_b"]
        .map(String::from)
        .into_iter()
        .chain([a(64)])
    {
        assert!(!is_dns1035_label(&bad).is_empty(), "{bad:?}");
    }
    assert_eq!(
        is_dns1035_label("1a"),
        vec!["a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')".to_string()]
    );
}

#[test]
fn qualified_name() {
    let long_prefix = format!("{}/{}", a(253), "b".repeat(63));
    for good in [
        "simple",
        "now-with-dashes",
        "1-starts-with-num",
        "1234",
        "simple/simple",
        "now-with-dashes/simple",
        "now-with-dashes/now-with-dashes",
        "now.with.dots/now-with-dashes",
        "now-with.dashes-and.dots/now-with.dashes-and.dots",
        "1.2.3.4/5678",
        "Uppercase_Is_OK_123",
        "example.com/Uppercase_Is_OK_123",
        "requests.storage-foo",
    ]
    .map(String::from)
    .into_iter()
    .chain([a(63), long_prefix])
    {
        assert_eq!(is_qualified_name(&good), Vec::<String>::new(), "{good}");
    }
    for bad in [
        "nospecialchars%^=@",
        "cantendwithadash-",
        "-cantstartwithadash-",
        "only/one/slash",
        "Example.com/abc",
        "example_com/abc",
        "example.com/",
        "/simple",
    ]
    .map(String::from)
    .into_iter()
    .chain([a(64), format!("{}/abc", a(254))])
    {
        assert!(!is_qualified_name(&bad).is_empty(), "{bad:?}");
    }
    assert_eq!(
        is_qualified_name("cantendwithadash-"),
        vec![NAME_PART_MSG.to_string()]
    );
    assert_eq!(
        is_qualified_name("example.com/"),
        vec![
            "name part must be non-empty".to_string(),
            NAME_PART_MSG.to_string()
        ]
    );
    assert_eq!(
        is_qualified_name("/simple"),
        vec!["prefix part must be non-empty".to_string()]
    );
    assert_eq!(
        is_qualified_name("Example.com/abc"),
        vec![format!("prefix part {DNS1123_SUBDOMAIN_MSG}")]
    );
    assert_eq!(
        is_qualified_name(&a(64)),
        vec!["name part must be no more than 63 characters".to_string()]
    );
    assert_eq!(
        is_qualified_name("only/one/slash"),
        vec!["a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')".to_string()]
    );
}

#[test]
fn label_value() {
    for good in [
        "simple",
        "now-with-dashes",
        "1-starts-with-num",
        "end-with-num-1",
        "1234",
        "",
        "Uppercase_Is_OK_123",
    ]
    .map(String::from)
    .into_iter()
    .chain([a(63)])
    {
        assert_eq!(is_valid_label_value(&good), Vec::<String>::new(), "{good}");
    }
    for bad in [
        "nospecialchars%^=@",
        "Tama-nui-te-rā.is.Māori.sun",
        "\\backslashes\\are\\bad",
        "-starts-with-dash",
        "ends-with-dash-",
        ".starts.with.dot",
        "ends.with.dot.",
    ]
    .map(String::from)
    .into_iter()
    .chain([a(64)])
    {
        assert!(!is_valid_label_value(&bad).is_empty(), "{bad:?}");
    }
    assert_eq!(
        is_valid_label_value("-x"),
        vec!["a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')".to_string()]
    );
}

#[test]
fn field_error_display() {
    let invalid = FieldError::invalid(
        "metadata.name",
        render_str("Foo"),
        is_dns1123_subdomain("Foo").remove(0),
    );
    assert_eq!(
        invalid.to_string(),
        format!("metadata.name: Invalid value: \"Foo\": {DNS1123_SUBDOMAIN_MSG}")
    );
    assert_eq!(
        FieldError::required("spec.template.spec.containers", "").to_string(),
        "spec.template.spec.containers: Required value"
    );
    assert_eq!(
        FieldError::not_supported(
            "spec.strategy.type",
            render_str("Foo"),
            &["Recreate", "RollingUpdate"]
        )
        .to_string(),
        "spec.strategy.type: Unsupported value: \"Foo\": supported values: \"Recreate\", \"RollingUpdate\""
    );
    assert_eq!(
        FieldError::invalid("spec.replicas", "-1", "must be greater than or equal to 0")
            .to_string(),
        "spec.replicas: Invalid value: -1: must be greater than or equal to 0"
    );
    assert_eq!(
        FieldError::duplicate("spec.containers[1].name", render_str("web")).to_string(),
        "spec.containers[1].name: Duplicate value: \"web\""
    );
    assert_eq!(
        FieldError::forbidden("spec.selector", "field is immutable").to_string(),
        "spec.selector: Forbidden: field is immutable"
    );
    assert_eq!(
        FieldError::too_long("metadata.annotations", 262144).to_string(),
        "metadata.annotations: Too long: must have at most 262144 bytes"
    );
    assert_eq!(
        FieldError::not_found("spec.x", render_str("y")).to_string(),
        "spec.x: Not found: \"y\""
    );
    assert_eq!(
        FieldError::too_many("spec.x", Some(5), Some(3)).to_string(),
        "spec.x: Too many: 5: must have at most 3 items"
    );
    assert_eq!(FieldErrorType::Invalid.reason(), "FieldValueInvalid");
}

#[test]
fn rendering_and_aggregate() {
    assert_eq!(render_str("a\"b\\c\nd\u{1}"), "\"a\\\"b\\\\c\\nd\\x01\"");
    assert_eq!(render_str("rā"), "\"rā\"");
    assert_eq!(
        render_str_slice(Some(&["a".to_string(), "b".to_string()])),
        "[]string{\"a\", \"b\"}"
    );
    assert_eq!(render_str_slice(None), "[]string(nil)");
    let one = FieldError::required("a", "");
    let two = FieldError::required("b", "");
    assert_eq!(
        aggregate_message(std::slice::from_ref(&one)),
        "a: Required value"
    );
    assert_eq!(
        aggregate_message(&[one.clone(), two, one]),
        "[a: Required value, b: Required value]"
    );
}

#[test]
fn object_meta_helpers() {
    assert!(
        validate_object_meta_name("nginx-7c5ddbdf54-x8k2p", NameRule::Dns1123Subdomain).is_empty()
    );
    assert!(validate_object_meta_name("my.config", NameRule::Dns1123Subdomain).is_empty());
    assert_eq!(
        validate_object_meta_name("my.ns", NameRule::Dns1123Label),
        vec!["must not contain dots".to_string()]
    );
    assert!(!validate_object_meta_name("1web", NameRule::Dns1035Label).is_empty());
    assert!(validate_object_meta_name("1web", NameRule::Dns1123Label).is_empty());
    assert_eq!(
        validate_object_meta_name_field("", "", NameRule::Dns1123Subdomain)[0].to_string(),
        "metadata.name: Required value: name or generateName is required"
    );
    assert!(
        validate_object_meta_name_field("web-x8k2p", "web-", NameRule::Dns1123Subdomain).is_empty()
    );
    assert_eq!(
        validate_object_meta_name_field("", "Web-", NameRule::Dns1123Subdomain)
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        vec![
            format!("metadata.generateName: Invalid value: \"Web-\": {DNS1123_SUBDOMAIN_MSG}"),
            "metadata.name: Required value: name or generateName is required".to_string(),
        ]
    );
    assert_eq!(
        FieldError::invalid(
            "spec.replicas",
            render_int(-1),
            "must be greater than or equal to 0"
        )
        .to_string(),
        "spec.replicas: Invalid value: -1: must be greater than or equal to 0"
    );
    let valid = vec!["Always".to_string(), "Never".to_string()];
    assert_eq!(
        FieldError::not_supported("spec.restartPolicy", render_str("Sometimes"), &valid)
            .to_string(),
        "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"Never\""
    );
    assert_eq!(
        validate_object_meta_name_field("Foo", "", NameRule::Dns1123Subdomain)[0].to_string(),
        format!("metadata.name: Invalid value: \"Foo\": {DNS1123_SUBDOMAIN_MSG}")
    );

    let labels: BTreeMap<String, String> = [
        ("app".to_string(), "web".to_string()),
        ("bad key".to_string(), "-v".to_string()),
    ]
    .into_iter()
    .collect();
    let errors = validate_labels(&labels, "metadata.labels");
    assert_eq!(errors.len(), 2);
    assert_eq!(errors[0].bad_value.as_deref(), Some("\"bad key\""));
    assert_eq!(errors[1].bad_value.as_deref(), Some("\"-v\""));
    assert!(
        errors[0]
            .to_string()
            .starts_with("metadata.labels: Invalid value: \"bad key\": name part must consist")
    );

    // Annotation keys are checked lower-cased; values are free-form but count toward 256 KiB.
    let mut annotations: BTreeMap<String, String> = [(
        "Example.com/Note".to_string(),
        "any value at all!".to_string(),
    )]
    .into_iter()
    .collect();
    assert!(validate_annotations(&annotations, "metadata.annotations").is_empty());
    annotations.insert("big".to_string(), "x".repeat(262144 - 3 - 16 - 17));
    assert!(validate_annotations(&annotations, "metadata.annotations").is_empty());
    annotations.insert("big".to_string(), "x".repeat(262144 - 3 - 16 - 17 + 1));
    assert_eq!(
        validate_annotations(&annotations, "metadata.annotations")
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        vec!["metadata.annotations: Too long: must have at most 262144 bytes".to_string()]
    );
}
