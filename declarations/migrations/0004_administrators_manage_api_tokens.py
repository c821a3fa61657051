from django.contrib.auth.management import create_permissions
from django.db import migrations

ACTIONS = ["add", "change", "delete", "view"]


def grant(apps, schema_editor):
    config = apps.get_app_config("declarations")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Administrators")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="declarations",
            codename__in=[f"{action}_apitoken" for action in ACTIONS],
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name="Administrators"):
        group.permissions.remove(*group.permissions.filter(codename__endswith="_apitoken"))


class Migration(migrations.Migration):
    dependencies = [("declarations", "0003_api_token")]

    operations = [migrations.RunPython(grant, revoke)]
