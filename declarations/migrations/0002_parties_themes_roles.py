"""Reference data every deployment needs: the parties, the themes and the staff roles."""

import datetime

from django.contrib.auth.management import create_permissions
from django.db import migrations

PARTIES = [
    # ASEAN Member States
    ("BRN", "Brunei Darussalam", "asean", None),
    ("KHM", "Cambodia", "asean", None),
    ("IDN", "Indonesia", "asean", None),
    ("LAO", "Lao PDR", "asean", None),
    ("MYS", "Malaysia", "asean", None),
    ("MMR", "Myanmar", "asean", None),
    ("PHL", "Philippines", "asean", None),
    ("SGP", "Singapore", "asean", None),
    ("THA", "Thailand", "asean", None),
    ("TLS", "Timor-Leste", "asean", datetime.date(2025, 10, 26)),
    ("VNM", "Viet Nam", "asean", None),
    # ADMM-Plus countries
    ("AUS", "Australia", "plus", None),
    ("CHN", "China", "plus", None),
    ("IND", "India", "plus", None),
    ("JPN", "Japan", "plus", None),
    ("NZL", "New Zealand", "plus", None),
    ("KOR", "Republic of Korea", "plus", None),
    ("RUS", "Russia", "plus", None),
    ("USA", "United States", "plus", None),
    # Observers of the ADMM-Plus Experts' Working Groups, 2024-2027 cycle
    ("CAN", "Canada", "observer", None),
    ("FRA", "France", "observer", None),
    ("DEU", "Germany", "observer", None),
    ("TUR", "Türkiye", "observer", None),
    ("GBR", "United Kingdom", "observer", None),
]

THEMES = [
    ("hadr", "Humanitarian assistance and disaster relief", "ADMM-Plus Experts' Working Group."),
    ("maritime-security", "Maritime security", "ADMM-Plus Experts' Working Group."),
    ("military-medicine", "Military medicine", "ADMM-Plus Experts' Working Group."),
    ("counter-terrorism", "Counter-terrorism", "ADMM-Plus Experts' Working Group."),
    ("peacekeeping", "Peacekeeping operations", "ADMM-Plus Experts' Working Group."),
    ("mine-action", "Humanitarian mine action", "ADMM-Plus Experts' Working Group."),
    ("cyber-security", "Cyber security", "ADMM-Plus Experts' Working Group."),
    ("defence-industry", "Defence industry collaboration", ""),
    ("defence-education", "Defence education and military history", ""),
    ("women-peace-security", "Women, peace and security", ""),
    ("search-and-rescue", "Search and rescue", ""),
    ("critical-infrastructure", "Critical infrastructure", ""),
    ("public-health", "Public health and pandemics", ""),
    ("institutional", "ADMM and ADMM-Plus processes", ""),
]

MODELS = [
    "declaration", "clause", "instrument", "reference",
    "implementationstatus", "evidence", "party", "theme",
]  # fmt: skip

ROLES = {
    "Administrators": {
        **{model: ["add", "change", "delete", "view"] for model in MODELS},
        "implementationstatus": ["add", "change", "delete", "view", "review"],
        "auth.user": ["add", "change", "delete", "view"],
        "auth.group": ["view"],
    },
    "Editors": {
        "declaration": ["add", "change", "view"],
        "clause": ["add", "change", "delete", "view"],
        "instrument": ["add", "change", "view"],
        "reference": ["add", "change", "delete", "view"],
        "implementationstatus": ["add", "change", "view", "review"],
        "evidence": ["add", "change", "delete", "view"],
        "party": ["view"],
        "theme": ["add", "change", "view"],
    },
    "Country editors": {
        **{model: ["view"] for model in MODELS},
        "implementationstatus": ["add", "change", "view"],
        "evidence": ["add", "change", "delete", "view"],
    },
    "Managers": {model: ["view"] for model in MODELS},
}


def load(apps, schema_editor):
    Party = apps.get_model("declarations", "Party")
    Theme = apps.get_model("declarations", "Theme")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    for code, name, group, member_since in PARTIES:
        Party.objects.update_or_create(
            code=code, defaults={"name": name, "group": group, "member_since": member_since}
        )
    for slug, name, description in THEMES:
        Theme.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )

    # Permissions are normally created after all migrations ran; the roles need them now.
    for label in ("auth", "declarations"):
        config = apps.get_app_config(label)
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = None

    for role, grants in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        codenames = []
        for model, actions in grants.items():
            app, _, model_name = model.rpartition(".")
            for action in actions:
                codenames.append((app or "declarations", f"{action}_{model_name}"))
        permissions = [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in codenames
        ]
        group.permissions.set(permissions)


def unload(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()
    apps.get_model("declarations", "Theme").objects.filter(
        slug__in=[slug for slug, _, _ in THEMES]
    ).delete()
    apps.get_model("declarations", "Party").objects.filter(
        code__in=[code for code, _, _, _ in PARTIES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("declarations", "0001_initial"),
    ]

    operations = [migrations.RunPython(load, unload)]
