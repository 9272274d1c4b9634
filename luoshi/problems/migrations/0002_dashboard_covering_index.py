from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("problems", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="problem",
            index=models.Index(
                fields=["org_path", "campaign", "state", "light", "deadline", "aspect", "channel"],
                name="problem_dashboard_cover",
            ),
        ),
    ]
