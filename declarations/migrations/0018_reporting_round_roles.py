"""Who works with reporting rounds: editors (the secretariat) open, change and close them,
administrators too and may delete them; country editors and managers read them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Administrators": ["add", "change", "delete", "view"],
    "Editors": ["add", "change", "view"],
    "Country editors": ["view"],
    "Managers": ["view"],
}
MODELS = ["reportinground", "roundrequest"]


def grant(apps, schema_editor):
    config = apps.get_app_config("declarations")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, actions in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="declarations",
                codename__in=[f"{action}_{model}" for action in actions for model in MODELS],
            )
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.remove(
            *group.permissions.filter(codename__regex=r"_(reportinground|roundrequest)$")
        )


class Migration(migrations.Migration):
    dependencies = [("declarations", "0017_reporting_rounds")]

    operations = [migrations.RunPython(grant, revoke)]
