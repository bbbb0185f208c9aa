"""The contact requests made before the conversations each get theirs, with the
request's message and answer as first messages (as ``services.conversation_for_request``
does for a new request); already read by their own author."""

from django.db import migrations


def forwards(apps, schema_editor):
    ContactRequest = apps.get_model("tenants", "ContactRequest")
    Conversation = apps.get_model("conversations", "Conversation")
    Participant = apps.get_model("conversations", "Participant")
    Message = apps.get_model("conversations", "Message")
    done = set(Conversation.objects.values_list("contact_request_id", flat=True))
    for request_obj in ContactRequest.objects.exclude(pk__in=done).iterator():
        conversation = Conversation.objects.create(
            subject_key=f"request:{request_obj.pk}",
            contact_request=request_obj,
            created_at=request_obj.created_at,
        )
        texts = [(request_obj.sender_id, request_obj.message, request_obj.created_at)]
        if request_obj.answer and request_obj.answered_at:
            texts.append((request_obj.receiver_id, request_obj.answer, request_obj.answered_at))
        last_read = {}
        for sender_id, body, at in texts:
            if body:
                message = Message.objects.create(
                    conversation=conversation, sender_id=sender_id, body=body, created_at=at
                )
                last_read[sender_id] = message.pk
        conversation.message_count = len(last_read)
        conversation.save(update_fields=["message_count"])
        for tenant_id in (request_obj.sender_id, request_obj.receiver_id):
            Participant.objects.create(
                conversation=conversation,
                tenant_id=tenant_id,
                last_read_id=max(
                    (pk for owner, pk in last_read.items() if owner == tenant_id), default=0
                ),
            )


class Migration(migrations.Migration):
    dependencies = [("conversations", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
