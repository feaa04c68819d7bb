//! Label selectors, after upstream `staging/src/k8s.io/apimachinery/pkg/labels/{selector.go,labels.go}`
//! and `staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go`.
//!
//! [`Selector`] is a parsed `labels.Selector`: a sorted list of requirements (AND), or
//! "nothing". Parse errors carry upstream's messages word for word, e.g.
//! `unable to parse requirement: <nil>: Invalid value: "a$b": name part must consist of ...`
//! (upstream validates the key against a nil field path, which prints as `<nil>`).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::validation::{
    FieldError, aggregate_message, is_qualified_name, is_valid_label_value, render_str,
    render_str_slice,
};

/// `metav1.LabelSelector` as written in manifests.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LabelSelector {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_labels: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_expressions: Option<Vec<LabelSelectorRequirement>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LabelSelectorRequirement {
    pub key: String,
    pub operator: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<String>>,
}

/// A selector that failed to parse or convert; the message is upstream's.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SelectorError {
    pub message: String,
}

impl SelectorError {
    fn new(message: impl Into<String>) -> SelectorError {
        SelectorError {
            message: message.into(),
        }
    }
}

/// `selection.Operator`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Operator {
    In,
    NotIn,
    Equals,
    DoubleEquals,
    NotEquals,
    GreaterThan,
    LessThan,
    Exists,
    DoesNotExist,
}

impl Operator {
    /// The operator's string in `selection` ("in", "notin", "=", "==", "!=", "gt", "lt",
    /// "exists", "!").
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::In => "in",
            Operator::NotIn => "notin",
            Operator::Equals => "=",
            Operator::DoubleEquals => "==",
            Operator::NotEquals => "!=",
            Operator::GreaterThan => "gt",
            Operator::LessThan => "lt",
            Operator::Exists => "exists",
            Operator::DoesNotExist => "!",
        }
    }
}

/// upstream `binaryOperators`, as listed in "expected: ..." messages.
const BINARY_OPERATORS: &str = "in, notin, =, ==, !=, gt, lt";

/// `labels.Requirement`: a key, an operator and values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    key: String,
    operator: Operator,
    values: Vec<String>,
}

impl Requirement {
    /// `labels.NewRequirement`: validates the key (qualified name), the value count for the
    /// operator, Gt/Lt integers, and each value (label value). All problems are reported
    /// together, as upstream's aggregate: one message alone, several as `[a, b]`.
    pub fn new(
        key: &str,
        operator: Operator,
        values: Vec<String>,
    ) -> Result<Requirement, SelectorError> {
        Requirement::new_with_values_rendered(key, operator, values, None)
    }

    /// `values_nil` says the Go slice would be nil (renders as `[]string(nil)`).
    fn new_with_values_rendered(
        key: &str,
        operator: Operator,
        values: Vec<String>,
        values_nil: Option<bool>,
    ) -> Result<Requirement, SelectorError> {
        let mut errors = Vec::new();
        let key_messages = is_qualified_name(key);
        if !key_messages.is_empty() {
            errors.push(FieldError::invalid(
                "key",
                render_str(key),
                key_messages.join("; "),
            ));
        }
        let rendered_values = || {
            if values_nil.unwrap_or(false) && values.is_empty() {
                render_str_slice(None)
            } else {
                render_str_slice(Some(&values))
            }
        };
        match operator {
            Operator::In | Operator::NotIn => {
                if values.is_empty() {
                    errors.push(FieldError::invalid(
                        "values",
                        rendered_values(),
                        "for 'in', 'notin' operators, values set can't be empty",
                    ));
                }
            }
            Operator::Equals | Operator::DoubleEquals | Operator::NotEquals => {
                if values.len() != 1 {
                    errors.push(FieldError::invalid(
                        "values",
                        rendered_values(),
                        "exact-match compatibility requires one single value",
                    ));
                }
            }
            Operator::Exists | Operator::DoesNotExist => {
                if !values.is_empty() {
                    errors.push(FieldError::invalid(
                        "values",
                        rendered_values(),
                        "values set must be empty for exists and does not exist",
                    ));
                }
            }
            Operator::GreaterThan | Operator::LessThan => {
                if values.len() != 1 {
                    errors.push(FieldError::invalid(
                        "values",
                        rendered_values(),
                        "for 'Gt', 'Lt' operators, exactly one value is required",
                    ));
                }
                for (index, value) in values.iter().enumerate() {
                    if value.parse::<i64>().is_err() {
                        errors.push(FieldError::invalid(
                            format!("values[{index}]"),
                            render_str(value),
                            "for 'Gt', 'Lt' operators, the value must be an integer",
                        ));
                    }
                }
            }
        }
        for (index, value) in values.iter().enumerate() {
            let messages = is_valid_label_value(value);
            if !messages.is_empty() {
                errors.push(FieldError::invalid(
                    format!("values[{index}][{key}]"),
                    render_str(value),
                    messages.join("; "),
                ));
            }
        }
        if !errors.is_empty() {
            return Err(SelectorError::new(aggregate_message(&errors)));
        }
        Ok(Requirement {
            key: key.to_string(),
            operator,
            values,
        })
    }

    pub fn key(&self) -> &str {
        &self.key
    }

    pub fn operator(&self) -> Operator {
        self.operator
    }

    /// The values as given (parsed selectors hold them sorted and de-duplicated).
    pub fn values(&self) -> &[String] {
        &self.values
    }

    /// `Requirement.Matches`. `notin`/`!=` hold when the key is absent; Gt/Lt need the
    /// label to be an integer ("x>1" does not match x=a).
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        let value = labels.get(&self.key);
        match self.operator {
            Operator::In | Operator::Equals | Operator::DoubleEquals => {
                value.is_some_and(|value| self.values.contains(value))
            }
            Operator::NotIn | Operator::NotEquals => {
                value.is_none_or(|value| !self.values.contains(value))
            }
            Operator::Exists => value.is_some(),
            Operator::DoesNotExist => value.is_none(),
            Operator::GreaterThan | Operator::LessThan => {
                let Some(label) = value.and_then(|value| value.parse::<i64>().ok()) else {
                    return false;
                };
                let [wanted] = self.values.as_slice() else {
                    return false;
                };
                let Ok(wanted) = wanted.parse::<i64>() else {
                    return false;
                };
                if self.operator == Operator::GreaterThan {
                    label > wanted
                } else {
                    label < wanted
                }
            }
        }
    }
}

impl fmt::Display for Requirement {
    /// `Requirement.String()`: `!z`, `x=abc`, `y==jkl`, `x in (abc,def)` (values sorted for
    /// output), `x>2`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.operator == Operator::DoesNotExist {
            f.write_str("!")?;
        }
        f.write_str(&self.key)?;
        let operator = match self.operator {
            Operator::Exists | Operator::DoesNotExist => return Ok(()),
            Operator::Equals => "=",
            Operator::DoubleEquals => "==",
            Operator::NotEquals => "!=",
            Operator::In => " in ",
            Operator::NotIn => " notin ",
            Operator::GreaterThan => ">",
            Operator::LessThan => "<",
        };
        f.write_str(operator)?;
        let set = matches!(self.operator, Operator::In | Operator::NotIn);
        if set {
            f.write_str("(")?;
        }
        let mut sorted: Vec<&str> = self.values.iter().map(String::as_str).collect();
        sorted.sort_unstable();
        f.write_str(&sorted.join(","))?;
        if set {
            f.write_str(")")?;
        }
        Ok(())
    }
}

/// A parsed `labels.Selector`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selector {
    /// `None` is `labels.Nothing()`.
    requirements: Option<Vec<Requirement>>,
}

impl Selector {
    /// `labels.Everything()`: matches all labels; prints as "".
    pub fn everything() -> Selector {
        Selector {
            requirements: Some(Vec::new()),
        }
    }

    /// `labels.Nothing()`: matches no labels; prints as "".
    pub fn nothing() -> Selector {
        Selector { requirements: None }
    }

    /// `labels.Parse`: `"x=a,y in (b,c),!z"`. Requirements come out sorted by key, so
    /// `"x=a,a=x"` prints `a=x,x=a`.
    pub fn parse(text: &str) -> Result<Selector, SelectorError> {
        let mut parser = Parser::new(text);
        let mut requirements = parser.parse().map_err(SelectorError::new)?;
        requirements.sort_by(|left, right| left.key.cmp(&right.key));
        Ok(Selector {
            requirements: Some(requirements),
        })
    }

    /// `labels.SelectorFromSet`: one `key=value` per label; an empty set is everything.
    /// Not validated, as upstream.
    pub fn from_set(labels: &BTreeMap<String, String>) -> Selector {
        Selector {
            requirements: Some(
                labels
                    .iter()
                    .map(|(key, value)| Requirement {
                        key: key.clone(),
                        operator: Operator::Equals,
                        values: vec![value.clone()],
                    })
                    .collect(),
            ),
        }
    }

    /// `Selector.Add`: these requirements too, re-sorted by key.
    pub fn add(&self, more: Vec<Requirement>) -> Selector {
        let Some(existing) = &self.requirements else {
            return self.clone();
        };
        let mut requirements = existing.clone();
        requirements.extend(more);
        requirements.sort_by(|left, right| left.key.cmp(&right.key));
        Selector {
            requirements: Some(requirements),
        }
    }

    /// `Empty()`: true when the selector does not restrict (everything); false for nothing.
    pub fn is_empty(&self) -> bool {
        self.requirements.as_ref().is_some_and(Vec::is_empty)
    }

    /// True only for [`Selector::nothing`] (`labels.MatchesNothing`).
    pub fn matches_nothing(&self) -> bool {
        self.requirements.is_none()
    }

    /// The requirements, sorted by key; empty for everything and for nothing.
    pub fn requirements(&self) -> &[Requirement] {
        self.requirements.as_deref().unwrap_or(&[])
    }

    /// `Matches`: every requirement holds.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        match &self.requirements {
            None => false,
            Some(requirements) => requirements
                .iter()
                .all(|requirement| requirement.matches(labels)),
        }
    }

    /// `RequiresExactMatch`: the single value `label` must equal, if the selector pins one.
    pub fn requires_exact_match(&self, label: &str) -> Option<&str> {
        let requirement = self.requirements().iter().find(|r| r.key == label)?;
        match (requirement.operator, requirement.values.as_slice()) {
            (Operator::Equals | Operator::DoubleEquals | Operator::In, [value]) => Some(value),
            _ => None,
        }
    }

    /// Appends a key that two selectors share only when they are equal, for memo
    /// tables: cheaper than `{:?}`. Each string is prefixed with its length, so no
    /// value can pose as a separator.
    pub fn write_memo_key(&self, out: &mut String) {
        use super::memo_key::{push_decimal, push_length_prefixed};
        let Some(requirements) = &self.requirements else {
            out.push('!');
            return;
        };
        for requirement in requirements {
            push_length_prefixed(out, &requirement.key);
            out.push(char::from(b'a' + requirement.operator as u8));
            push_decimal(out, requirement.values.len());
            // Ends the count, so it cannot run into the first value's length.
            out.push('#');
            for value in &requirement.values {
                push_length_prefixed(out, value);
            }
        }
    }
}

impl fmt::Display for Selector {
    /// `String()`: requirements joined by ",".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, requirement) in self.requirements().iter().enumerate() {
            if index > 0 {
                f.write_str(",")?;
            }
            write!(f, "{requirement}")?;
        }
        Ok(())
    }
}

impl LabelSelector {
    /// `metav1.LabelSelectorAsSelector` of this selector: `{}` selects everything.
    pub fn to_selector(&self) -> Result<Selector, SelectorError> {
        label_selector_as_selector(Some(self))
    }
}

/// `metav1.LabelSelectorAsSelector`: `None` selects nothing, `{}` everything; matchLabels
/// become `key=value`, matchExpressions take In, NotIn, Exists and DoesNotExist only
/// (`"Gt" is not a valid label selector operator`).
pub fn label_selector_as_selector(
    selector: Option<&LabelSelector>,
) -> Result<Selector, SelectorError> {
    let Some(selector) = selector else {
        return Ok(Selector::nothing());
    };
    let match_labels = selector.match_labels.as_ref();
    let match_expressions = selector.match_expressions.as_deref().unwrap_or(&[]);
    if match_labels.is_none_or(BTreeMap::is_empty) && match_expressions.is_empty() {
        return Ok(Selector::everything());
    }
    let mut requirements = Vec::new();
    for (key, value) in match_labels.into_iter().flatten() {
        requirements.push(Requirement::new(
            key,
            Operator::Equals,
            vec![value.clone()],
        )?);
    }
    for expression in match_expressions {
        let operator = match expression.operator.as_str() {
            "In" => Operator::In,
            "NotIn" => Operator::NotIn,
            "Exists" => Operator::Exists,
            "DoesNotExist" => Operator::DoesNotExist,
            other => {
                return Err(SelectorError::new(format!(
                    "{} is not a valid label selector operator",
                    render_str(other)
                )));
            }
        };
        // Go copies the values with append([]string(nil), ...): nil when there are none.
        let values = expression.values.clone().unwrap_or_default();
        requirements.push(Requirement::new_with_values_rendered(
            &expression.key,
            operator,
            values,
            Some(true),
        )?);
    }
    Ok(Selector::everything().add(requirements))
}

/// `metav1.FormatLabelSelector`: the selector's string, `<none>` when empty, `<error>`
/// when it does not convert.
pub fn format_label_selector(selector: Option<&LabelSelector>) -> String {
    match label_selector_as_selector(selector) {
        Err(_) => "<error>".to_string(),
        Ok(selector) => {
            let text = selector.to_string();
            if text.is_empty() {
                "<none>".to_string()
            } else {
                text
            }
        }
    }
}

/// `labels.FormatLabels`: `k=v` pairs sorted by key, joined by ",", `<none>` when empty.
pub fn format_labels(labels: Option<&BTreeMap<String, String>>) -> String {
    let text = labels
        .into_iter()
        .flatten()
        .map(|(key, value)| format!("{key}={value}"))
        .collect::<Vec<_>>()
        .join(",");
    if text.is_empty() {
        "<none>".to_string()
    } else {
        text
    }
}

// ---------------------------------------------------------------------------------------
// Lexer and parser (selector.go `Lexer`, `Parser`)

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token {
    Error,
    EndOfString,
    ClosedPar,
    Comma,
    DoesNotExist,
    DoubleEquals,
    Equals,
    GreaterThan,
    Identifier,
    In,
    LessThan,
    NotEquals,
    NotIn,
    OpenPar,
}

/// upstream `string2token`.
fn keyword(literal: &[u8]) -> Option<Token> {
    Some(match literal {
        b")" => Token::ClosedPar,
        b"," => Token::Comma,
        b"!" => Token::DoesNotExist,
        b"==" => Token::DoubleEquals,
        b"=" => Token::Equals,
        b">" => Token::GreaterThan,
        b"in" => Token::In,
        b"<" => Token::LessThan,
        b"!=" => Token::NotEquals,
        b"notin" => Token::NotIn,
        b"(" => Token::OpenPar,
        _ => return None,
    })
}

fn is_whitespace(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_special_symbol(byte: u8) -> bool {
    matches!(byte, b'=' | b'!' | b'(' | b')' | b',' | b'>' | b'<')
}

struct Lexer<'a> {
    bytes: &'a [u8],
    position: usize,
}

impl Lexer<'_> {
    /// The next byte, or 0 at the end (a NUL byte therefore also ends input, as upstream).
    fn read(&mut self) -> u8 {
        match self.bytes.get(self.position) {
            Some(&byte) => {
                self.position += 1;
                byte
            }
            None => 0,
        }
    }

    fn unread(&mut self) {
        self.position = self.position.saturating_sub(1);
    }

    fn scan_identifier_or_keyword(&mut self) -> (Token, String) {
        let mut buffer = Vec::new();
        loop {
            let byte = self.read();
            if byte == 0 {
                break;
            }
            if is_special_symbol(byte) || is_whitespace(byte) {
                self.unread();
                break;
            }
            buffer.push(byte);
        }
        let literal = String::from_utf8_lossy(&buffer).into_owned();
        (keyword(&buffer).unwrap_or(Token::Identifier), literal)
    }

    /// The longest operator made of special symbols: "!=" rather than "!".
    fn scan_special_symbol(&mut self) -> (Token, String) {
        let mut buffer = Vec::new();
        let mut last: Option<(Token, usize)> = None;
        loop {
            let byte = self.read();
            if byte == 0 {
                break;
            }
            if !is_special_symbol(byte) {
                self.unread();
                break;
            }
            buffer.push(byte);
            if let Some(token) = keyword(&buffer) {
                last = Some((token, buffer.len()));
            } else if last.is_some() {
                self.unread();
                break;
            }
        }
        match last {
            Some((token, length)) => (
                token,
                String::from_utf8_lossy(&buffer[..length]).into_owned(),
            ),
            None => (
                Token::Error,
                format!(
                    "error expected: keyword found '{}'",
                    String::from_utf8_lossy(&buffer)
                ),
            ),
        }
    }

    fn lex(&mut self) -> (Token, String) {
        let mut byte = self.read();
        while is_whitespace(byte) {
            byte = self.read();
        }
        if byte == 0 {
            return (Token::EndOfString, String::new());
        }
        self.unread();
        if is_special_symbol(byte) {
            self.scan_special_symbol()
        } else {
            self.scan_identifier_or_keyword()
        }
    }
}

/// In a value position `in` and `notin` are plain identifiers: `a in (x,notin,in)`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    KeyAndOperator,
    Values,
}

struct Parser {
    items: Vec<(Token, String)>,
    position: usize,
}

impl Parser {
    fn new(text: &str) -> Parser {
        let mut lexer = Lexer {
            bytes: text.as_bytes(),
            position: 0,
        };
        let mut items = Vec::new();
        loop {
            let item = lexer.lex();
            let done = item.0 == Token::EndOfString;
            items.push(item);
            if done {
                break;
            }
        }
        Parser { items, position: 0 }
    }

    fn item(&self, index: usize, context: Context) -> (Token, String) {
        let (mut token, literal) = self
            .items
            .get(index)
            .cloned()
            .unwrap_or((Token::EndOfString, String::new()));
        if context == Context::Values && matches!(token, Token::In | Token::NotIn) {
            token = Token::Identifier;
        }
        (token, literal)
    }

    fn lookahead(&self, context: Context) -> (Token, String) {
        self.item(self.position, context)
    }

    fn consume(&mut self, context: Context) -> (Token, String) {
        self.position += 1;
        self.item(self.position - 1, context)
    }

    fn parse(&mut self) -> Result<Vec<Requirement>, String> {
        let mut requirements = Vec::new();
        loop {
            let (token, literal) = self.lookahead(Context::Values);
            match token {
                Token::Identifier | Token::DoesNotExist => {
                    let requirement = self
                        .parse_requirement()
                        .map_err(|error| format!("unable to parse requirement: {error}"))?;
                    requirements.push(requirement);
                    let (token, literal) = self.consume(Context::Values);
                    match token {
                        Token::EndOfString => return Ok(requirements),
                        Token::Comma => {
                            let (next, next_literal) = self.lookahead(Context::Values);
                            if next != Token::Identifier && next != Token::DoesNotExist {
                                return Err(format!(
                                    "found '{next_literal}', expected: identifier after ','"
                                ));
                            }
                        }
                        _ => {
                            return Err(format!(
                                "found '{literal}', expected: ',' or 'end of string'"
                            ));
                        }
                    }
                }
                Token::EndOfString => return Ok(requirements),
                _ => {
                    return Err(format!(
                        "found '{literal}', expected: !, identifier, or 'end of string'"
                    ));
                }
            }
        }
    }

    fn parse_requirement(&mut self) -> Result<Requirement, String> {
        let (key, inferred) = self.parse_key_and_infer_operator()?;
        if let Some(operator) = inferred {
            return Requirement::new(&key, operator, Vec::new()).map_err(|error| error.message);
        }
        let operator = self.parse_operator()?;
        let values = match operator {
            Operator::In | Operator::NotIn => self.parse_values()?,
            _ => self.parse_exact_value()?,
        };
        Requirement::new(&key, operator, values.into_iter().collect())
            .map_err(|error| error.message)
    }

    /// The key, and Exists/DoesNotExist when no operator follows (`x`, `!x`). `!x=a`
    /// stays DoesNotExist and then fails on the `=`.
    fn parse_key_and_infer_operator(&mut self) -> Result<(String, Option<Operator>), String> {
        let mut operator = None;
        let (mut token, mut literal) = self.consume(Context::Values);
        if token == Token::DoesNotExist {
            operator = Some(Operator::DoesNotExist);
            (token, literal) = self.consume(Context::Values);
        }
        if token != Token::Identifier {
            return Err(format!("found '{literal}', expected: identifier"));
        }
        let messages = is_qualified_name(&literal);
        if !messages.is_empty() {
            // Upstream passes a nil *field.Path here, which prints as "<nil>".
            return Err(
                FieldError::invalid("<nil>", render_str(&literal), messages.join("; ")).to_string(),
            );
        }
        let (next, _) = self.lookahead(Context::Values);
        if (next == Token::EndOfString || next == Token::Comma) && operator.is_none() {
            operator = Some(Operator::Exists);
        }
        Ok((literal, operator))
    }

    fn parse_operator(&mut self) -> Result<Operator, String> {
        let (token, literal) = self.consume(Context::KeyAndOperator);
        Ok(match token {
            Token::In => Operator::In,
            Token::Equals => Operator::Equals,
            Token::DoubleEquals => Operator::DoubleEquals,
            Token::GreaterThan => Operator::GreaterThan,
            Token::LessThan => Operator::LessThan,
            Token::NotIn => Operator::NotIn,
            Token::NotEquals => Operator::NotEquals,
            _ => return Err(format!("found '{literal}', expected: {BINARY_OPERATORS}")),
        })
    }

    /// `(a,b,c)`; `()` is the single empty value, as upstream.
    fn parse_values(&mut self) -> Result<std::collections::BTreeSet<String>, String> {
        let (token, literal) = self.consume(Context::Values);
        if token != Token::OpenPar {
            return Err(format!("found '{literal}' expected: '('"));
        }
        let (token, literal) = self.lookahead(Context::Values);
        match token {
            Token::Identifier | Token::Comma => {
                let values = self.parse_identifiers_list()?;
                let (closing, _) = self.consume(Context::Values);
                if closing != Token::ClosedPar {
                    // Upstream reports the literal seen before the list here.
                    return Err(format!("found '{literal}', expected: ')'"));
                }
                Ok(values)
            }
            Token::ClosedPar => {
                self.consume(Context::Values);
                Ok([String::new()].into_iter().collect())
            }
            _ => Err(format!(
                "found '{literal}', expected: ',', ')' or identifier"
            )),
        }
    }

    /// Comma-separated, possibly empty identifiers: `abc,,def` holds "", "abc", "def".
    fn parse_identifiers_list(&mut self) -> Result<std::collections::BTreeSet<String>, String> {
        let mut values = std::collections::BTreeSet::new();
        loop {
            let (token, literal) = self.consume(Context::Values);
            match token {
                Token::Identifier => {
                    values.insert(literal);
                    let (next, next_literal) = self.lookahead(Context::Values);
                    match next {
                        Token::Comma => continue,
                        Token::ClosedPar => return Ok(values),
                        _ => {
                            return Err(format!("found '{next_literal}', expected: ',' or ')'"));
                        }
                    }
                }
                Token::Comma => {
                    if values.is_empty() {
                        values.insert(String::new());
                    }
                    let (next, _) = self.lookahead(Context::Values);
                    if next == Token::ClosedPar {
                        values.insert(String::new());
                        return Ok(values);
                    }
                    if next == Token::Comma {
                        values.insert(String::new());
                    }
                }
                _ => return Err(format!("found '{literal}', expected: ',', or identifier")),
            }
        }
    }

    /// The one value after `=`, `==`, `!=`, `>` or `<`; nothing before `,` or the end is "".
    fn parse_exact_value(&mut self) -> Result<std::collections::BTreeSet<String>, String> {
        let (next, _) = self.lookahead(Context::Values);
        if next == Token::EndOfString || next == Token::Comma {
            return Ok([String::new()].into_iter().collect());
        }
        let (token, literal) = self.consume(Context::Values);
        if token == Token::Identifier {
            return Ok([literal].into_iter().collect());
        }
        Err(format!("found '{literal}', expected: identifier"))
    }
}
