//! A simulated container image registry.
//!
//! It knows the real tags of a few popular images, so that a typo tag such as
//! `nginx:1.161` fails to pull as it does against Docker Hub, while any unknown
//! repository pulls fine (kubesim cannot know every registry). Sizes are close to
//! the real compressed sizes, and pulls take a deterministic time that grows with
//! the size. Digests are derived from the reference, so they are stable.

use crate::fingerprint::Fnv64;
use crate::time::SimDuration;

/// A parsed image reference, normalized as containerd names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageReference {
    /// `docker.io/library/nginx`.
    pub repository: String,
    /// `1.25`, or `latest` when neither tag nor digest was written.
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl ImageReference {
    /// `docker.io/library/nginx:1.25`, what container statuses report as `image`.
    pub fn full_name(&self) -> String {
        match (&self.tag, &self.digest) {
            (_, Some(digest)) => format!("{}@{digest}", self.repository),
            (Some(tag), None) => format!("{}:{tag}", self.repository),
            (None, None) => self.repository.clone(),
        }
    }

    /// `docker.io/library/nginx@sha256:…`, what container statuses report as `imageID`.
    pub fn image_id(&self) -> String {
        let digest = self
            .digest
            .clone()
            .unwrap_or_else(|| digest_of(&self.full_name()));
        format!("{}@{digest}", self.repository)
    }

    /// The repository as users write it: `nginx`, `registry.k8s.io/pause`.
    pub fn short_repository(&self) -> &str {
        self.repository
            .strip_prefix("docker.io/library/")
            .or_else(|| self.repository.strip_prefix("docker.io/"))
            .unwrap_or(&self.repository)
    }
}

/// A deterministic `sha256:` digest for a reference (not a real content hash).
pub fn digest_of(reference: &str) -> String {
    const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";
    // Written digit by digit: the kubelet asks for a digest per container start, and
    // the formatting machinery cost more than the hashing.
    let mut digest = String::with_capacity("sha256:".len() + 64);
    digest.push_str("sha256:");
    for round in 0..4u64 {
        let mut hasher = Fnv64::new();
        hasher.write_u64(round);
        hasher.write_str(reference);
        let hash = hasher.finish();
        for shift in (0..16).rev() {
            digest.push(char::from(
                HEX_DIGITS[((hash >> (shift * 4)) & 0xf) as usize],
            ));
        }
    }
    digest
}

/// Parses an image reference as `parsers.ParseImageName` (docker's reference
/// grammar) does, or returns the error the kubelet reports as InvalidImageName:
/// `couldn't parse image name "Nginx": invalid reference format: repository name
/// (library/Nginx) must be lowercase`.
pub fn parse_reference(image: &str) -> Result<ImageReference, String> {
    let invalid = |detail: &str| format!("couldn't parse image name {image:?}: {detail}");
    if image.is_empty() || image.chars().any(char::is_whitespace) {
        return Err(invalid("invalid reference format"));
    }
    let (name, digest) = match image.split_once('@') {
        Some((name, digest)) => {
            let valid = digest
                .strip_prefix("sha256:")
                .is_some_and(|hex| hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()));
            if !valid {
                return Err(invalid("invalid reference format"));
            }
            (name, Some(digest.to_string()))
        }
        None => (image, None),
    };
    let (path, tag) = match name.rfind(':') {
        Some(colon) if !name[colon..].contains('/') => {
            (&name[..colon], Some(name[colon + 1..].to_string()))
        }
        _ => (name, None),
    };
    if let Some(tag) = &tag {
        let valid = !tag.is_empty()
            && tag.len() <= 128
            && tag
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-')
            && !tag.starts_with(['.', '-']);
        if !valid {
            return Err(invalid("invalid reference format"));
        }
    }
    let mut components: Vec<&str> = path.split('/').collect();
    let host = if components.len() > 1
        && (components[0].contains(['.', ':']) || components[0] == "localhost")
    {
        Some(components.remove(0))
    } else {
        None
    };
    let remote = components.join("/");
    let component_valid = |component: &str| {
        !component.is_empty()
            && component
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
            && component
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphanumeric())
            && component
                .bytes()
                .last()
                .is_some_and(|b| b.is_ascii_alphanumeric())
    };
    if remote.bytes().any(|b| b.is_ascii_uppercase()) {
        let named = if host.is_none() && !remote.contains('/') {
            format!("library/{remote}")
        } else {
            remote.clone()
        };
        return Err(invalid(&format!(
            "invalid reference format: repository name ({named}) must be lowercase"
        )));
    }
    if !components.iter().all(|c| component_valid(c)) {
        return Err(invalid("invalid reference format"));
    }
    let repository = match host {
        Some(host) => format!("{host}/{remote}"),
        None if components.len() == 1 => format!("docker.io/library/{remote}"),
        None => format!("docker.io/{remote}"),
    };
    let tag = match (&tag, &digest) {
        (None, None) => Some("latest".to_string()),
        _ => tag,
    };
    Ok(ImageReference {
        repository,
        tag,
        digest,
    })
}

/// What the registry answers for a pull.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PullOutcome {
    /// The image exists: its size and how long the pull takes.
    Found {
        size_bytes: i64,
        duration: SimDuration,
    },
    /// The tag does not exist; the message is containerd's, as the kubelet reports it.
    NotFound { message: String, after: SimDuration },
}

/// How a known repository's tags look.
struct KnownRepository {
    repository: &'static str,
    /// Named tags (`latest`, `alpine`, `jammy`).
    names: &'static [&'static str],
    /// Version tags: the allowed major range, minor range and patch range.
    versions: Option<VersionRule>,
    /// Suffixes a version or named tag may carry (`-alpine`).
    suffixes: &'static [&'static str],
    size_bytes: i64,
}

#[derive(Clone, Copy)]
struct VersionRule {
    major: (u32, u32),
    minor: (u32, u32),
    patch: (u32, u32),
    prefix: &'static str,
}

const MB: i64 = 1_000_000;

const fn versions(major: (u32, u32), minor: (u32, u32), patch: (u32, u32)) -> Option<VersionRule> {
    Some(VersionRule {
        major,
        minor,
        patch,
        prefix: "",
    })
}

static KNOWN: &[KnownRepository] = &[
    KnownRepository {
        repository: "docker.io/library/nginx",
        names: &[
            "latest",
            "stable",
            "mainline",
            "alpine",
            "perl",
            "alpine-slim",
            "bookworm",
            "bullseye",
            "alpine-perl",
        ],
        versions: versions((1, 1), (0, 29), (0, 30)),
        suffixes: &[
            "-alpine",
            "-perl",
            "-alpine-slim",
            "-alpine-perl",
            "-bookworm",
            "-bullseye",
            "-otel",
        ],
        size_bytes: 70 * MB,
    },
    KnownRepository {
        repository: "docker.io/library/busybox",
        names: &["latest", "stable", "musl", "glibc", "uclibc"],
        versions: versions((1, 1), (20, 37), (0, 5)),
        suffixes: &["-musl", "-glibc", "-uclibc"],
        size_bytes: 2 * MB,
    },
    KnownRepository {
        repository: "docker.io/library/httpd",
        names: &["latest", "alpine", "bookworm"],
        versions: versions((2, 2), (2, 4), (0, 63)),
        suffixes: &["-alpine", "-bookworm"],
        size_bytes: 58 * MB,
    },
    KnownRepository {
        repository: "docker.io/library/redis",
        names: &["latest", "alpine", "bookworm"],
        versions: versions((2, 8), (0, 8), (0, 20)),
        suffixes: &["-alpine", "-bookworm", "-bullseye"],
        size_bytes: 45 * MB,
    },
    KnownRepository {
        repository: "docker.io/library/alpine",
        names: &["latest", "edge"],
        versions: versions((3, 3), (0, 21), (0, 6)),
        suffixes: &[],
        size_bytes: 3 * MB,
    },
    KnownRepository {
        repository: "docker.io/library/ubuntu",
        names: &[
            "latest", "rolling", "devel", "noble", "jammy", "focal", "bionic", "xenial", "trusty",
            "oracular", "mantic", "lunar", "kinetic",
        ],
        versions: versions((12, 25), (4, 10), (0, 0)),
        suffixes: &[],
        size_bytes: 29 * MB,
    },
    KnownRepository {
        repository: "docker.io/library/postgres",
        names: &["latest", "alpine", "bookworm", "bullseye"],
        versions: versions((9, 17), (0, 25), (0, 0)),
        suffixes: &["-alpine", "-bookworm", "-bullseye"],
        size_bytes: 150 * MB,
    },
    KnownRepository {
        repository: "docker.io/library/mysql",
        names: &["latest", "lts", "innovation", "oracle", "debian"],
        versions: versions((5, 9), (0, 7), (0, 44)),
        suffixes: &["-oracle", "-debian"],
        size_bytes: 170 * MB,
    },
    KnownRepository {
        repository: "docker.io/library/node",
        names: &[
            "latest",
            "lts",
            "current",
            "alpine",
            "slim",
            "bookworm",
            "bullseye",
            "lts-alpine",
            "lts-slim",
        ],
        versions: versions((4, 23), (0, 20), (0, 30)),
        suffixes: &[
            "-alpine",
            "-slim",
            "-bookworm",
            "-bullseye",
            "-bookworm-slim",
            "-bullseye-slim",
        ],
        size_bytes: 360 * MB,
    },
    KnownRepository {
        repository: "docker.io/library/python",
        names: &["latest", "alpine", "slim", "bookworm", "bullseye"],
        versions: versions((2, 3), (0, 13), (0, 20)),
        suffixes: &[
            "-alpine",
            "-slim",
            "-bookworm",
            "-bullseye",
            "-slim-bookworm",
        ],
        size_bytes: 370 * MB,
    },
    KnownRepository {
        repository: "registry.k8s.io/pause",
        names: &["latest"],
        versions: versions((3, 3), (0, 10), (0, 0)),
        suffixes: &[],
        size_bytes: 300_000,
    },
    KnownRepository {
        repository: "registry.k8s.io/echoserver",
        names: &[],
        versions: versions((1, 1), (0, 10), (0, 0)),
        suffixes: &[],
        size_bytes: 46 * MB,
    },
    KnownRepository {
        repository: "gcr.io/google-samples/hello-app",
        names: &[],
        versions: versions((1, 2), (0, 0), (0, 0)),
        suffixes: &[],
        size_bytes: 11 * MB,
    },
    KnownRepository {
        repository: "docker.io/nginxdemos/hello",
        names: &["latest", "plain-text"],
        versions: versions((0, 0), (1, 4), (0, 0)),
        suffixes: &["-plain-text"],
        size_bytes: 10 * MB,
    },
    KnownRepository {
        repository: "docker.io/polinux/stress",
        names: &["latest"],
        versions: versions((1, 1), (0, 0), (4, 4)),
        suffixes: &[],
        size_bytes: 4 * MB,
    },
    KnownRepository {
        repository: "docker.io/progrium/stress",
        names: &["latest"],
        versions: None,
        suffixes: &[],
        size_bytes: 120 * MB,
    },
];

/// Repositories of demo applications whose tags follow `v0.x.y` or `x.y.z`.
static DEMO_PREFIXES: &[(&str, i64)] = &[
    ("gcr.io/google-samples/microservices-demo/", 60 * MB),
    (
        "us-central1-docker.pkg.dev/google-samples/microservices-demo/",
        60 * MB,
    ),
    (
        "public.ecr.aws/aws-containers/retail-store-sample-",
        80 * MB,
    ),
    ("public.ecr.aws/aws-containers/", 80 * MB),
];

/// Size when the repository is unknown.
const UNKNOWN_SIZE_BYTES: i64 = 50 * MB;
/// A pull's fixed cost (resolve, manifest, unpack of small layers).
const PULL_BASE: SimDuration = SimDuration::from_millis(400);
/// Download throughput, bytes per second.
const PULL_BYTES_PER_SECOND: i64 = 40 * MB;
/// How long the registry takes to say a tag does not exist.
const NOT_FOUND_AFTER: SimDuration = SimDuration::from_millis(600);

fn version_matches(tag: &str, rule: VersionRule) -> bool {
    let Some(numbers) = tag.strip_prefix(rule.prefix) else {
        return false;
    };
    let parts: Vec<&str> = numbers.split('.').collect();
    if parts.is_empty() || parts.len() > 3 {
        return false;
    }
    let mut values = Vec::new();
    for part in &parts {
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) || part.len() > 4 {
            return false;
        }
        values.push(part.parse::<u32>().unwrap_or(u32::MAX));
    }
    let within = |value: u32, (low, high): (u32, u32)| value >= low && value <= high;
    within(values[0], rule.major)
        && values.get(1).is_none_or(|minor| within(*minor, rule.minor))
        && values.get(2).is_none_or(|patch| within(*patch, rule.patch))
}

fn tag_exists(known: &KnownRepository, tag: &str) -> bool {
    let base_exists = |base: &str| {
        known.names.contains(&base)
            || known
                .versions
                .is_some_and(|rule| version_matches(base, rule))
    };
    if base_exists(tag) {
        return true;
    }
    known.suffixes.iter().any(|suffix| {
        tag.strip_suffix(suffix)
            .is_some_and(|base| !base.is_empty() && base_exists(base))
    })
}

/// Asks the registry for an image.
pub fn pull(reference: &ImageReference) -> PullOutcome {
    let found = |size_bytes: i64| PullOutcome::Found {
        size_bytes,
        duration: PULL_BASE + SimDuration::from_millis(size_bytes * 1000 / PULL_BYTES_PER_SECOND),
    };
    let Some(tag) = &reference.tag else {
        // A digest reference: kubesim cannot know digests, so it trusts them.
        return found(size_of(reference));
    };
    if let Some(known) = KNOWN.iter().find(|k| k.repository == reference.repository) {
        return if tag_exists(known, tag) {
            found(known.size_bytes)
        } else {
            not_found(reference)
        };
    }
    if DEMO_PREFIXES
        .iter()
        .any(|(prefix, _)| reference.repository.starts_with(prefix))
    {
        let semver = |t: &str| {
            version_matches(
                t.trim_start_matches('v'),
                versions((0, 20), (0, 50), (0, 50)).unwrap_or(VersionRule {
                    major: (0, 0),
                    minor: (0, 0),
                    patch: (0, 0),
                    prefix: "",
                }),
            )
        };
        return if tag == "latest" || tag == "main" || semver(tag) {
            found(size_of(reference))
        } else {
            not_found(reference)
        };
    }
    found(UNKNOWN_SIZE_BYTES)
}

/// The image's size as the node's image list reports it.
pub fn size_of(reference: &ImageReference) -> i64 {
    KNOWN
        .iter()
        .find(|k| k.repository == reference.repository)
        .map(|k| k.size_bytes)
        .or_else(|| {
            DEMO_PREFIXES
                .iter()
                .find(|(prefix, _)| reference.repository.starts_with(prefix))
                .map(|(_, size)| *size)
        })
        .unwrap_or(UNKNOWN_SIZE_BYTES)
}

fn not_found(reference: &ImageReference) -> PullOutcome {
    let name = reference.full_name();
    PullOutcome::NotFound {
        message: format!(
            "rpc error: code = NotFound desc = failed to pull and unpack image \"{name}\": failed to resolve reference \"{name}\": {name}: not found"
        ),
        after: NOT_FOUND_AFTER,
    }
}

/// Images every node has before any pod runs (what kubeadm and kind preload).
pub fn preloaded_images() -> Vec<ImageReference> {
    ["registry.k8s.io/pause:3.9"]
        .iter()
        .filter_map(|image| parse_reference(image).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_normalize_as_containerd_names_them() {
        let nginx = parse_reference("nginx").unwrap();
        assert_eq!(nginx.full_name(), "docker.io/library/nginx:latest");
        assert_eq!(
            parse_reference("bitnami/redis:7.2").unwrap().full_name(),
            "docker.io/bitnami/redis:7.2"
        );
        assert_eq!(
            parse_reference("localhost:5000/app").unwrap().full_name(),
            "localhost:5000/app:latest"
        );
        assert_eq!(
            parse_reference("registry.k8s.io/pause:3.9")
                .unwrap()
                .short_repository(),
            "registry.k8s.io/pause"
        );
        assert_eq!(
            parse_reference("Nginx").unwrap_err(),
            "couldn't parse image name \"Nginx\": invalid reference format: repository name (library/Nginx) must be lowercase"
        );
        assert!(parse_reference("nginx:").is_err());
        assert!(parse_reference("nginx::1").is_err());
    }

    #[test]
    fn known_repositories_know_their_tags() {
        let outcome = |image: &str| pull(&parse_reference(image).unwrap());
        assert!(matches!(outcome("nginx:1.25.3"), PullOutcome::Found { .. }));
        assert!(matches!(outcome("nginx:1.14.2"), PullOutcome::Found { .. }));
        assert!(matches!(
            outcome("nginx:1.27-alpine"),
            PullOutcome::Found { .. }
        ));
        assert!(matches!(outcome("busybox:1.36"), PullOutcome::Found { .. }));
        assert!(matches!(
            outcome("example.com/team/app:v9"),
            PullOutcome::Found { .. }
        ));
        assert_eq!(
            outcome("nginx:1.161"),
            PullOutcome::NotFound {
                message: "rpc error: code = NotFound desc = failed to pull and unpack image \"docker.io/library/nginx:1.161\": failed to resolve reference \"docker.io/library/nginx:1.161\": docker.io/library/nginx:1.161: not found".to_string(),
                after: NOT_FOUND_AFTER,
            }
        );
    }

    #[test]
    fn bigger_images_take_longer() {
        let duration = |image: &str| match pull(&parse_reference(image).unwrap()) {
            PullOutcome::Found { duration, .. } => duration,
            PullOutcome::NotFound { .. } => SimDuration::ZERO,
        };
        assert!(duration("python:3.12") > duration("nginx"));
        assert!(duration("nginx") > duration("busybox"));
        assert_eq!(duration("nginx"), SimDuration::from_millis(2150));
    }
}
