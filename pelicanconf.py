"""Site settings for development builds; publishconf.py adds what production needs."""

from jinja2 import FileSystemBytecodeCache, StrictUndefined

SITENAME = "Aldercrest Newsroom"
SITEURL = ""
PATH = "content"
OUTPUT_PATH = "output"
THEME = "theme"
DEFAULT_LANG = "en"
TIMEZONE = "Europe/Berlin"

# Site-local plugins only: listing PLUGINS stops Pelican from loading every installed one.
PLUGIN_PATHS = ["plugins"]
PLUGINS = ["newsroom"]

# Everything specific to the newsroom, checked once by the plugin (unknown keys are errors).
NEWSROOM = {
    "timezone": "Europe/Berlin",
    "languages": ["en", "de"],
    "release_url": "news/{year}/{slug}/",
}

# Where things go. Releases set their own URLs (NEWSROOM["release_url"]); the two paths
# below must name the folders NEWSROOM checks (the plugin stops the build otherwise).
ARTICLE_PATHS = ["releases"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["media"]
ARTICLE_TRANSLATION_ID = None
PAGE_TRANSLATION_ID = None
INDEX_SAVE_AS = "index.html"
ARCHIVES_SAVE_AS = "news/index.html"
ARCHIVES_URL = "news/"
# Year pages are written by the newsroom plugin (plugins/newsroom/archives.py), which
# groups releases by their own year; Pelican's grouping can split a year in two.
YEAR_ARCHIVE_SAVE_AS = ""
YEAR_ARCHIVE_URL = "news/{date:%Y}/"
NEWSROOM_YEAR_SAVE_AS = "news/{date:%Y}/index.html"
NEWSROOM_YEAR_URL = YEAR_ARCHIVE_URL
MONTH_ARCHIVE_SAVE_AS = ""
DAY_ARCHIVE_SAVE_AS = ""
CATEGORY_URL = "topics/{slug}/"
CATEGORY_SAVE_AS = "topics/{slug}/index.html"
CATEGORIES_URL = "topics/"
CATEGORIES_SAVE_AS = "topics/index.html"
TAG_URL = "tags/{slug}/"
TAG_SAVE_AS = "tags/{slug}/index.html"
TAGS_URL = "tags/"
TAGS_SAVE_AS = "tags/index.html"
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
DRAFT_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
ARTICLE_LANG_SAVE_AS = ""
PAGE_LANG_SAVE_AS = ""
DIRECT_TEMPLATES = ["index", "archives", "categories", "tags", "404"]
# 50 releases a list page, like the JSON API: each page repeats the header and footer, so
# fewer, longer pages are fewer bytes for a long history (and fewer clicks).
DEFAULT_PAGINATION = 50
# Tag pages list rows of date and title, a quarter of a card's bytes: 200 a page is as long.
PAGINATED_TEMPLATES = {"tag": 200, "category": None, "archives": None, "language": None}
PAGINATION_PATTERNS = [
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
]
NEWEST_FIRST_ARCHIVES = True

# Feeds, sitemaps and the API are written by the newsroom plugin, not by Pelican.
FEED_ALL_ATOM = None
FEED_ATOM = None
FEED_RSS = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

# Deterministic output: no caches carried between builds.
LOAD_CONTENT_CACHE = False
CACHE_CONTENT = False
DELETE_OUTPUT_DIRECTORY = True
RELATIVE_URLS = False
SLUGIFY_SOURCE = "basename"

# Templates only present: a misspelt variable is an error, not an empty string.
JINJA_ENVIRONMENT = {
    "undefined": StrictUndefined,
    "trim_blocks": True,
    "lstrip_blocks": True,
    "autoescape": True,
    # Compiled templates are cached in the system's temp folder, keyed by their source:
    # rebuilds get faster, and the output stays the same.
    "bytecode_cache": FileSystemBytecodeCache(),
    # A build reads each template once: every build, and `invoke serve` after an edit to
    # the theme, starts a process of its own. Jinja would otherwise stat each included or
    # imported template again for every page that uses it (seven times a page).
    "auto_reload": False,
}

# The editor at /admin/ (plugins/newsroom/cms.py): the repository it opens pull requests on.
NEWSROOM_CMS_BACKEND = {"name": "github", "repo": "example-org/newsroom", "branch": "main"}
