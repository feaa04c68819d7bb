//! One-line programs of script interpreters: `perl -e`, `python -c`, `node -e`,
//! `ruby -e`, as tutorials and Job examples use them.
//!
//! The model understands the statements one-liners are made of: printing
//! literals (`print "hi\n"`, `print("hi")`, `console.log('hi')`, `puts "hi"`),
//! `sleep`, `exit`, imports, and `bpi(N)` of Perl's bignum (the Kubernetes docs'
//! Job example `perl -Mbignum=bpi -wle 'print bpi(2000)'`), whose digits are
//! computed for real. Such a program runs its statements and exits.
//!
//! A program it does not understand is classified by what it contains: code that
//! loops, sleeps, reads input or serves (`while`, `serve_forever`, `listen`, ...)
//! runs until stopped; anything else is a one-shot computation that exits 0 after
//! a short run without output. A script file (`python app.py`, `node server.js`,
//! `perl app.pl`) or a module (`python -m http.server`) is a long-running
//! process: the caller treats `None` as a server.

use crate::node::behaviour::Command;
use crate::time::SimDuration;

/// The most digits `bpi(N)` computes; a larger N prints this many (a budget).
pub const MAX_PI_DIGITS: usize = 5000;
/// What a program that is not understood and shows no sign of running long
/// takes before it exits 0.
const UNKNOWN_ONE_SHOT: SimDuration = SimDuration::from_millis(1000);
/// Words that mark inline code as long-running (loops, servers, input).
const LONG_RUNNING_MARKERS: &[&str] = &[
    "while",
    "for ",
    "for(",
    "loop",
    "sleep",
    "serve",
    "listen",
    "socket",
    "http",
    "forever",
    "input(",
    "accept",
    "select",
    "setinterval",
    "createserver",
    "stdin",
    "<>",
    "until",
    "wait",
    ".run(",
    "join(",
];

/// The language of an interpreter program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Language {
    Perl,
    Python,
    Node,
    Ruby,
}

impl Language {
    fn of(program: &str) -> Option<Language> {
        let base = program.rsplit('/').next().unwrap_or(program);
        let family = base.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
        match family {
            "perl" => Some(Language::Perl),
            "python" => Some(Language::Python),
            "node" | "nodejs" => Some(Language::Node),
            "ruby" => Some(Language::Ruby),
            _ => None,
        }
    }

    /// How long the interpreter takes to start, before the first statement.
    fn startup(self) -> SimDuration {
        SimDuration::from_millis(match self {
            Language::Perl => 10,
            Language::Python => 30,
            Language::Node => 50,
            Language::Ruby => 60,
        })
    }
}

/// The commands of an interpreter invocation, or None when `argv` does not start
/// an interpreter or starts a long-running one.
pub fn parse(argv: &[String]) -> Option<Vec<Command>> {
    let language = Language::of(argv.first()?)?;
    let invocation = Invocation::parse(language, &argv[1..])?;
    let code = invocation.code.join("\n");
    let mut commands = vec![Command::Sleep(Some(language.startup()))];
    match statements(language, &code, &invocation) {
        Some(parsed) => commands.extend(parsed),
        None if looks_long_running(&code) => return None,
        None => commands.push(Command::Sleep(Some(UNKNOWN_ONE_SHOT))),
    }
    Some(commands)
}

fn looks_long_running(code: &str) -> bool {
    let lower = code.to_ascii_lowercase();
    LONG_RUNNING_MARKERS
        .iter()
        .any(|marker| lower.contains(marker))
}

/// The interpreter's flags: the inline code, modules, line mode.
#[derive(Default)]
struct Invocation {
    code: Vec<String>,
    modules: Vec<String>,
    /// perl `-l`: every print ends with a newline.
    line_mode: bool,
    /// node `-p`: print the value of the code.
    print_result: bool,
}

impl Invocation {
    /// None for a script file, a module (`python -m`), or no code at all: those are
    /// long-running programs as far as the model knows.
    fn parse(language: Language, args: &[String]) -> Option<Invocation> {
        let mut invocation = Invocation::default();
        let mut index = 0;
        while index < args.len() {
            let arg = &args[index];
            index += 1;
            if arg == "--" || !arg.starts_with('-') || arg == "-" {
                break;
            }
            match language {
                Language::Perl | Language::Ruby => {
                    let flags = &arg[1..];
                    for (offset, flag) in flags.char_indices() {
                        let rest = &flags[offset + flag.len_utf8()..];
                        match flag {
                            'M' | 'm' | 'r' => {
                                invocation.modules.push(rest.to_string());
                                break;
                            }
                            'e' | 'E' => {
                                if rest.is_empty() {
                                    invocation.code.push(args.get(index)?.clone());
                                    index += 1;
                                } else {
                                    invocation.code.push(rest.to_string());
                                }
                                break;
                            }
                            'l' => invocation.line_mode = true,
                            _ => {}
                        }
                    }
                }
                Language::Python => match arg.as_str() {
                    "-c" => {
                        invocation.code.push(args.get(index)?.clone());
                        index += 1;
                    }
                    "-m" => return None,
                    "-W" | "-X" => index += 1,
                    _ => {}
                },
                Language::Node => match arg.as_str() {
                    "-e" | "--eval" => {
                        invocation.code.push(args.get(index)?.clone());
                        index += 1;
                    }
                    "-p" | "--print" => {
                        invocation.print_result = true;
                        invocation.code.push(args.get(index)?.clone());
                        index += 1;
                    }
                    _ => {}
                },
            }
        }
        (!invocation.code.is_empty()).then_some(invocation)
    }

    fn has_bpi(&self) -> bool {
        self.modules
            .iter()
            .any(|module| module.starts_with("bignum") || module.starts_with("Math::BigFloat"))
    }
}

/// The statements of `code`, or None when one is not understood.
fn statements(language: Language, code: &str, invocation: &Invocation) -> Option<Vec<Command>> {
    if invocation.print_result {
        let text = format!("{}\n", value(language, code.trim(), invocation)?.text);
        return Some(vec![Command::Write(text)]);
    }
    let mut commands = Vec::new();
    for statement in split_top_level(code, &[';', '\n']) {
        let statement = statement.trim();
        if statement.is_empty() || statement.starts_with('#') {
            continue;
        }
        commands.extend(statement_commands(language, statement, invocation)?);
    }
    Some(commands)
}

/// One statement: imports do nothing, prints write, sleep waits, exit exits.
fn statement_commands(
    language: Language,
    statement: &str,
    invocation: &Invocation,
) -> Option<Vec<Command>> {
    let (head, rest) = match statement.find(|c: char| c == '(' || c.is_whitespace()) {
        Some(index) => (&statement[..index], statement[index..].trim()),
        None => (statement, ""),
    };
    let arguments = || strip_parens(rest);
    let ignored = match language {
        Language::Perl => matches!(head, "use" | "no" | "require"),
        Language::Python => matches!(head, "import" | "from" | "pass"),
        Language::Node => head.starts_with("const") || head.starts_with("let") || head == "'use",
        Language::Ruby => matches!(head, "require"),
    };
    if ignored {
        return Some(Vec::new());
    }
    match (language, head) {
        (Language::Perl, "print" | "say") | (Language::Ruby, "print" | "puts" | "p") => {
            let newline = head == "say"
                || head == "puts"
                || head == "p"
                || (language == Language::Perl && invocation.line_mode);
            let separator = if language == Language::Ruby && newline {
                "\n"
            } else {
                ""
            };
            let values = list(language, arguments(), invocation)?;
            let mut text = values
                .iter()
                .map(|v| v.text.as_str())
                .collect::<Vec<_>>()
                .join(separator);
            if newline && !(language == Language::Ruby && text.ends_with('\n')) {
                text.push('\n');
            }
            let compute: SimDuration = values
                .iter()
                .fold(SimDuration::ZERO, |total, v| total + v.compute);
            Some(vec![Command::Sleep(Some(compute)), Command::Write(text)])
        }
        (Language::Python, "print") | (Language::Node, "console.log" | "console.error") => {
            let values = list(language, arguments(), invocation)?;
            let text = values
                .iter()
                .map(|v| v.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            Some(vec![Command::Write(format!("{text}\n"))])
        }
        (_, "sleep" | "time.sleep") => {
            let seconds: f64 = arguments().trim().parse().ok()?;
            Some(vec![Command::Sleep(Some(SimDuration::from_millis(
                (seconds.clamp(0.0, 1e9) * 1000.0) as i64,
            )))])
        }
        (_, "exit" | "sys.exit" | "quit" | "process.exit" | "os._exit") => {
            let code = arguments().trim();
            if code.is_empty() {
                return Some(vec![Command::Exit(Vec::new())]);
            }
            code.parse::<i32>().ok()?;
            Some(vec![Command::Exit(vec![code.to_string()])])
        }
        _ => None,
    }
}

/// `(a, b)` → `a, b`; `a, b` stays.
fn strip_parens(text: &str) -> &str {
    let text = text.trim();
    if !text.starts_with('(') {
        return text;
    }
    // Only when the first `(` closes at the very end: `(a) . (b)` stays whole.
    let mut depth = 0;
    for (index, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return if index == text.len() - 1 {
                        &text[1..index]
                    } else {
                        text
                    };
                }
            }
            _ => {}
        }
    }
    text
}

/// A printed value and how long computing it took.
struct Value {
    text: String,
    compute: SimDuration,
}

fn list(language: Language, text: &str, invocation: &Invocation) -> Option<Vec<Value>> {
    if text.trim().is_empty() {
        return Some(Vec::new());
    }
    split_top_level(text, &[','])
        .iter()
        .map(|item| value(language, item.trim(), invocation))
        .collect()
}

/// A literal string or number, a concatenation of them, or `bpi(N)`.
fn value(language: Language, text: &str, invocation: &Invocation) -> Option<Value> {
    let concatenation = if language == Language::Perl { '.' } else { '+' };
    let parts = split_top_level(text, &[concatenation]);
    if parts.len() > 1 && parts.iter().all(|p| is_string_literal(p.trim())) {
        let mut text = String::new();
        for part in &parts {
            text.push_str(&string_literal(language, part.trim())?);
        }
        return Some(Value {
            text,
            compute: SimDuration::ZERO,
        });
    }
    if is_string_literal(text) {
        return Some(Value {
            text: string_literal(language, text)?,
            compute: SimDuration::ZERO,
        });
    }
    if language == Language::Perl && invocation.has_bpi() {
        let argument = text
            .strip_prefix("bpi")
            .or_else(|| text.strip_prefix("Math::BigFloat->bpi"))
            .or_else(|| text.strip_prefix("Math::BigFloat::bpi"));
        if let Some(argument) = argument {
            let argument = strip_parens(argument).trim();
            // Math::BigFloat's default precision (`div_scale`) is 40 digits.
            let digits: usize = if argument.is_empty() {
                40
            } else {
                argument.parse().ok()?
            };
            return Some(Value {
                text: pi_digits(digits.clamp(1, MAX_PI_DIGITS)),
                compute: bpi_compute_time(digits),
            });
        }
    }
    let number = text.trim();
    if !number.is_empty()
        && number
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
        && number.parse::<f64>().is_ok()
    {
        return Some(Value {
            text: number.to_string(),
            compute: SimDuration::ZERO,
        });
    }
    None
}

fn is_string_literal(text: &str) -> bool {
    text.len() >= 2
        && ((text.starts_with('"') && text.ends_with('"'))
            || (text.starts_with('\'') && text.ends_with('\'')))
}

/// The text of a string literal: escapes in double quotes (and in single quotes
/// outside Perl and Ruby, whose single quotes keep them). Perl's `"$var"`
/// interpolation is not modelled: such a literal is not understood.
fn string_literal(language: Language, text: &str) -> Option<String> {
    let quote = text.chars().next()?;
    let inner = &text[1..text.len() - 1];
    let raw = quote == '\'' && matches!(language, Language::Perl | Language::Ruby);
    if raw {
        return Some(inner.replace("\\'", "'").replace("\\\\", "\\"));
    }
    if matches!(language, Language::Perl | Language::Ruby)
        && (inner.contains('$') || inner.contains("#{"))
    {
        return None;
    }
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    Some(out)
}

/// Splits `text` at `separators` outside quotes and brackets.
fn split_top_level(text: &str, separators: &[char]) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in text.chars() {
        if let Some(open) = quote {
            current.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == open {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => {
                quote = Some(c);
                current.push(c);
            }
            '(' | '[' | '{' => {
                depth += 1;
                current.push(c);
            }
            ')' | ']' | '}' if depth > 0 => {
                depth -= 1;
                current.push(c);
            }
            c if depth == 0 && separators.contains(&c) => {
                parts.push(std::mem::take(&mut current));
            }
            _ => current.push(c),
        }
    }
    parts.push(current);
    parts
}

/// How long Perl's `bpi(N)` computes: bignum's pure-Perl arithmetic grows with the
/// square of the digits; `bpi(2000)` takes about 6.5 s on a typical node.
fn bpi_compute_time(digits: usize) -> SimDuration {
    let digits = digits.min(20_000) as i64;
    SimDuration::from_millis(500 + digits * digits * 3 / 2000)
}

/// Decimal digits per limb of the fixed-point numbers below.
const LIMB_DIGITS: usize = 9;
const LIMB_BASE: u64 = 1_000_000_000;

/// π to `digits` significant digits, rounded half up, as `bpi(digits)` prints it:
/// `pi_digits(10)` is `3.141592654`. Machin's formula π = 16·atan(1/5) − 4·atan(1/239)
/// on fixed-point numbers of base-10⁹ limbs, with two guard limbs; cost
/// O(digits²/81) limb operations.
pub fn pi_digits(digits: usize) -> String {
    let digits = digits.clamp(1, MAX_PI_DIGITS);
    let limbs = digits / LIMB_DIGITS + 3;
    let mut pi = arctan_inverse(5, limbs);
    multiply_small(&mut pi, 16);
    let mut second = arctan_inverse(239, limbs);
    multiply_small(&mut second, 4);
    subtract(&mut pi, &second);
    // Every decimal digit: the integer limb (3), then the fractional limbs.
    let mut all: Vec<u8> = pi[0].to_string().bytes().map(|b| b - b'0').collect();
    for limb in &pi[1..] {
        all.extend(format!("{limb:09}").bytes().map(|b| b - b'0'));
    }
    let mut kept: Vec<u8> = all[..digits].to_vec();
    if all[digits] >= 5 {
        for digit in kept.iter_mut().rev() {
            if *digit == 9 {
                *digit = 0;
            } else {
                *digit += 1;
                break;
            }
        }
    }
    let mut text = String::with_capacity(digits + 1);
    for (index, digit) in kept.iter().enumerate() {
        if index == 1 {
            text.push('.');
        }
        text.push(char::from(b'0' + digit));
    }
    text
}

/// atan(1/x) = Σ (−1)ᵏ / ((2k+1)·x^(2k+1)), to `limbs` limbs (limb 0 the integer part).
fn arctan_inverse(x: u64, limbs: usize) -> Vec<u64> {
    let mut power = vec![0u64; limbs];
    power[0] = 1;
    divide_small(&mut power, x);
    let mut sum = power.clone();
    let x_squared = x * x;
    let mut term = vec![0u64; limbs];
    let mut k = 1u64;
    // The leading zero limbs of `power` need no work: it only shrinks.
    let mut first = 0;
    loop {
        divide_small(&mut power[first..], x_squared);
        while first < limbs && power[first] == 0 {
            first += 1;
        }
        if first == limbs {
            break;
        }
        term[..first].fill(0);
        term[first..].copy_from_slice(&power[first..]);
        divide_small(&mut term[first..], 2 * k + 1);
        if k % 2 == 1 {
            subtract(&mut sum, &term);
        } else {
            add(&mut sum, &term);
        }
        k += 1;
    }
    sum
}

fn divide_small(number: &mut [u64], divisor: u64) {
    let mut remainder = 0u64;
    for limb in number.iter_mut() {
        let current = remainder * LIMB_BASE + *limb;
        *limb = current / divisor;
        remainder = current % divisor;
    }
}

fn multiply_small(number: &mut [u64], factor: u64) {
    let mut carry = 0u64;
    for limb in number.iter_mut().rev() {
        let current = *limb * factor + carry;
        *limb = current % LIMB_BASE;
        carry = current / LIMB_BASE;
    }
    number[0] += carry * LIMB_BASE;
}

fn add(number: &mut [u64], other: &[u64]) {
    let mut carry = 0u64;
    for (limb, addend) in number.iter_mut().zip(other).rev() {
        let current = *limb + addend + carry;
        *limb = current % LIMB_BASE;
        carry = current / LIMB_BASE;
    }
    number[0] += carry * LIMB_BASE;
}

fn subtract(number: &mut [u64], other: &[u64]) {
    let mut borrow = 0u64;
    for (limb, subtrahend) in number.iter_mut().zip(other).rev() {
        let needed = subtrahend + borrow;
        if *limb >= needed {
            *limb -= needed;
            borrow = 0;
        } else {
            *limb = *limb + LIMB_BASE - needed;
            borrow = 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(list: &[&str]) -> Vec<String> {
        list.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn pi_is_rounded_to_its_significant_digits() {
        // perldoc bignum: `perl -Mbignum=bpi -le 'print bpi(10)'` prints 3.141592654.
        assert_eq!(pi_digits(10), "3.141592654");
        assert_eq!(pi_digits(1), "3");
        assert_eq!(pi_digits(40), "3.141592653589793238462643383279502884197");
        // Decimals 762 to 767 are the Feynman point (999999): rounding carries.
        assert!(pi_digits(768).ends_with("721135000000"));
        // Tails checked against Python's decimal module (the recipe in its docs).
        assert!(pi_digits(MAX_PI_DIGITS).ends_with("842631298608099888687413260472"));
        assert_eq!(pi_digits(MAX_PI_DIGITS + 1), pi_digits(MAX_PI_DIGITS));
    }

    #[test]
    fn the_kubernetes_docs_pi_job_prints_2000_digits() {
        let commands = parse(&words(&["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"]))
            .expect("understood");
        let Some(Command::Write(text)) = commands.last() else {
            panic!("{commands:?}");
        };
        // The tail of the docs' sample output for this Job.
        assert!(text.ends_with("59958133904780275901\n"), "{text}");
        assert_eq!(text.trim_end().len(), 2001);
    }

    #[test]
    fn one_liners_print_and_exit() {
        let python = parse(&words(&["python", "-c", "print('hello world')"])).unwrap();
        assert!(python.contains(&Command::Write("hello world\n".to_string())));
        let python = parse(&words(&[
            "python3",
            "-c",
            "import time; print(\"a\", 1); time.sleep(2); exit(3)",
        ]))
        .unwrap();
        assert!(python.contains(&Command::Write("a 1\n".to_string())));
        assert!(python.contains(&Command::Sleep(Some(SimDuration::from_secs(2)))));
        assert_eq!(python.last(), Some(&Command::Exit(vec!["3".to_string()])));
        let perl = parse(&words(&["perl", "-e", "print \"Hello\\n\""])).unwrap();
        assert!(perl.contains(&Command::Write("Hello\n".to_string())));
        let node = parse(&words(&["node", "-e", "console.log('hi')"])).unwrap();
        assert!(node.contains(&Command::Write("hi\n".to_string())));
    }

    #[test]
    fn scripts_modules_and_loops_run_until_stopped() {
        assert_eq!(parse(&words(&["node", "server.js"])), None);
        assert_eq!(parse(&words(&["python", "app.py"])), None);
        assert_eq!(
            parse(&words(&["python", "-m", "http.server", "8080"])),
            None
        );
        let server = "import http.server; http.server.test()";
        assert_eq!(parse(&words(&["python", "-c", server])), None);
        assert_eq!(
            parse(&words(&["perl", "-e", "while (1) { sleep 1 }"])),
            None
        );
        // Unknown code without a sign of running long is a one-shot computation.
        let compute = parse(&words(&["python", "-c", "x = sum(range(10))"])).unwrap();
        assert!(!compute.iter().any(|c| matches!(c, Command::Write(_))));
    }
}
