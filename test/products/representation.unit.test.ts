import { createdRow, representProduct, toProductDto } from '../../src/projections/products';
import { PRODUCT_DTO_KEYS, productSchema } from '../../src/shared/product-fields';
import type { RecordedEvent } from '../../src/eventstore/types';
import { created } from './given';

describe('The product representation', () => {
  const data = created().data as Parameters<typeof createdRow>[0];

  it('When a row becomes the representation, then its keys come in the schema’s order and it validates', () => {
    const dto = toProductDto(createdRow(data, 1));
    expect(Object.keys(dto)).toEqual(PRODUCT_DTO_KEYS);
    expect(productSchema.strict().parse(dto)).toEqual(dto);
  });

  it('When a stream is folded for a reply, then it equals the row the read model keeps', () => {
    const event = { id: 'e1', type: 'ProductCreated', data, schemaVersion: 2, metadata: {}, streamId: `product-${data.product_id}`, streamVersion: 1, position: 1n, recordedAt: new Date() } satisfies RecordedEvent;
    expect(representProduct([event])).toEqual(toProductDto(createdRow(data, 1)));
    expect(representProduct([])).toBeNull();
  });
});
