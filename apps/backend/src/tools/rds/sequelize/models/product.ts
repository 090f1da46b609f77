import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import { uuidPrimaryKey } from './columns';

/** Table `products` (migration 20250315080100-createProducts). Prices are in minor units. */
export class Product extends Model<InferAttributes<Product>, InferCreationAttributes<Product>> {
  declare id: CreationOptional<string>;
  declare sku: string;
  declare name: string;
  declare priceCents: number;
  declare currency: CreationOptional<string>;
  declare active: CreationOptional<boolean>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof Product {
    Product.init(
      {
        id: uuidPrimaryKey(),
        sku: {
          type: DataTypes.STRING(64),
          allowNull: false,
          unique: true,
        },
        name: {
          type: DataTypes.STRING(200),
          allowNull: false,
        },
        priceCents: {
          type: DataTypes.INTEGER,
          allowNull: false,
        },
        currency: {
          type: DataTypes.CHAR(3),
          allowNull: false,
          defaultValue: 'USD',
        },
        active: {
          type: DataTypes.BOOLEAN,
          allowNull: false,
          defaultValue: true,
        },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'products', modelName: 'Product', timestamps: true, underscored: true },
    );
    return Product;
  }
}
